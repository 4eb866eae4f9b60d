// Behaviour every SessionStore backend must have; each backend's test file runs it.
import { describe, expect, it } from "vitest";
import type { NewSession, SessionStore, StoredMessage } from "./session-store.js";

export interface StoreUnderTest {
  store: SessionStore;
  ttlMs: number;
  /** Lets ms pass for the store (its injected clock, or real time). */
  advance(ms: number): Promise<void>;
}

const message = (id: string, role: StoredMessage["role"], content: string): StoredMessage => ({
  id,
  role,
  content,
  timestamp: "2026-01-01T00:00:00.000Z",
});

const session = (id: string, extra: Partial<NewSession> = {}): NewSession => ({ id, agentName: "assistant", namespace: "default", ...extra });

export function describeSessionStoreContract(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`SessionStore contract: ${name}`, () => {
    const withStore = (test: (s: StoreUnderTest) => Promise<void>) => async () => {
      const underTest = await make();
      try {
        await test(underTest);
      } finally {
        await underTest.store.close();
      }
    };

    it(
      "creates a session on first load and loads the same one afterwards",
      withStore(async ({ store }) => {
        const first = await store.loadConversation(session("s1", { workspace: "team-a" }));
        expect(first.created).toBe(true);
        expect(first.conversation).toMatchObject({ messages: [], state: {} });
        expect(first.conversation.meta).toMatchObject({ id: "s1", agentName: "assistant", namespace: "default", workspace: "team-a", turnCount: 0 });
        expect(Date.parse(first.conversation.meta.createdAt)).not.toBeNaN();
        const again = await store.loadConversation(session("s1", { agentName: "other" }));
        expect(again.created).toBe(false);
        expect(again.conversation.meta).toEqual(first.conversation.meta);
        expect(await store.getSession("s1")).toEqual(first.conversation.meta);
      }),
    );

    it(
      "leaves workspace out when none is given",
      withStore(async ({ store }) => {
        const { conversation } = await store.loadConversation(session("nows"));
        expect(conversation.meta).not.toHaveProperty("workspace");
      }),
    );

    it(
      "creates a session once when loads race",
      withStore(async ({ store }) => {
        const loads = await Promise.all(Array.from({ length: 5 }, () => store.loadConversation(session("race"))));
        expect(loads.filter((l) => l.created)).toHaveLength(1);
      }),
    );

    it(
      "keeps history in order across turns, with tool calls, parts and metadata, and counts turns",
      withStore(async ({ store }) => {
        await store.loadConversation(session("s2"));
        await store.appendTurn("s2", [message("1", "user", "hi"), message("2", "assistant", "hello")]);
        await store.appendTurn("s2", [
          { ...message("3", "user", "look"), parts: [{ type: "image", media: { storageRef: "omnia://sessions/s2/media/m1", mimeType: "image/png" } }] },
          { ...message("4", "assistant", ""), toolCalls: [{ id: "c1", name: "t", argumentsJson: "{}" }] },
          { ...message("5", "tool", '{"ok":true}'), toolCallId: "c1" },
          { ...message("6", "assistant", "done"), metadata: { finish: "stop" } },
        ]);
        const { conversation } = await store.loadConversation(session("s2"));
        expect(conversation.messages.map((m) => m.id)).toEqual(["1", "2", "3", "4", "5", "6"]);
        expect(conversation.messages[2]?.parts).toEqual([{ type: "image", media: { storageRef: "omnia://sessions/s2/media/m1", mimeType: "image/png" } }]);
        expect(conversation.messages[3]?.toolCalls).toEqual([{ id: "c1", name: "t", argumentsJson: "{}" }]);
        expect(conversation.messages[4]?.toolCallId).toBe("c1");
        expect(conversation.messages[5]).toEqual({ ...message("6", "assistant", "done"), metadata: { finish: "stop" } });
        expect(conversation.meta.turnCount).toBe(2);
        expect((await store.getSession("s2"))?.turnCount).toBe(2);
      }),
    );

    it(
      "merges state from setState and appendTurn",
      withStore(async ({ store }) => {
        await store.loadConversation(session("s3"));
        await store.setState("s3", { a: "1", b: "2" });
        await store.appendTurn("s3", [message("1", "user", "x")], { b: "3", c: "4" });
        await store.setState("s3", {});
        const { conversation } = await store.loadConversation(session("s3"));
        expect(conversation.state).toEqual({ a: "1", b: "3", c: "4" });
      }),
    );

    it(
      "ignores state for a session that does not exist",
      withStore(async ({ store }) => {
        await store.setState("ghost", { a: "1" });
        expect(await store.getSession("ghost")).toBeNull();
        const { conversation, created } = await store.loadConversation(session("ghost"));
        expect(created).toBe(true);
        expect(conversation.state).toEqual({});
      }),
    );

    it(
      "stores copies: mutating what was passed in or returned changes nothing stored",
      withStore(async ({ store }) => {
        await store.loadConversation(session("s4"));
        const sent = [message("1", "user", "original")];
        await store.appendTurn("s4", sent);
        (sent[0] as StoredMessage).content = "changed after append";
        const { conversation } = await store.loadConversation(session("s4"));
        conversation.messages.push(message("x", "user", "injected"));
        (conversation.messages[0] as StoredMessage).content = "changed after load";
        conversation.state.injected = "yes";
        conversation.meta.turnCount = 99;
        const again = await store.loadConversation(session("s4"));
        expect(again.conversation.messages.map((m) => m.content)).toEqual(["original"]);
        expect(again.conversation.state).toEqual({});
        expect(again.conversation.meta.turnCount).toBe(1);
      }),
    );

    it(
      "forgets a session after its TTL, and every operation on a session refreshes it",
      withStore(async ({ store, advance, ttlMs }) => {
        for (const id of ["touched", "appended", "read", "stated", "reloaded", "idle"]) {
          await store.loadConversation(session(id));
          await store.setState(id, { k: "v" });
          await store.appendTurn(id, [message("1", "user", `hi ${id}`)]);
        }
        await advance(ttlMs * 0.6);
        await store.touch("touched");
        await store.appendTurn("appended", [message("2", "assistant", "more")]);
        await store.getSession("read");
        await store.setState("stated", { k2: "v2" });
        await store.loadConversation(session("reloaded"));
        await advance(ttlMs * 0.6);
        expect(await store.getSession("idle")).toBeNull();
        for (const id of ["touched", "appended", "read", "stated", "reloaded"]) {
          const { conversation, created } = await store.loadConversation(session(id));
          expect({ id, created, first: conversation.messages[0]?.content, k: conversation.state.k }).toEqual({ id, created: false, first: `hi ${id}`, k: "v" });
        }
        const gone = await store.loadConversation(session("idle"));
        expect(gone.created).toBe(true);
        expect(gone.conversation).toMatchObject({ messages: [], state: {}, meta: { turnCount: 0 } });
      }),
    );

    it(
      "keeps a turn appended after the session expired",
      withStore(async ({ store, advance, ttlMs }) => {
        await store.loadConversation(session("late"));
        await advance(ttlMs * 1.2);
        await store.appendTurn("late", [message("1", "user", "still here")], { k: "v" });
        const meta = await store.getSession("late");
        expect(meta).toMatchObject({ id: "late", turnCount: 1 });
        const { conversation, created } = await store.loadConversation(session("late"));
        expect(created).toBe(false);
        expect(conversation.messages.map((m) => m.content)).toEqual(["still here"]);
        expect(conversation.state).toEqual({ k: "v" });
      }),
    );

    it(
      "answers null for an unknown session and deletes one with its history and state",
      withStore(async ({ store }) => {
        expect(await store.getSession("never")).toBeNull();
        await store.touch("never");
        await store.deleteSession("never");
        expect(await store.getSession("never")).toBeNull();
        await store.loadConversation(session("s7"));
        await store.appendTurn("s7", [message("1", "user", "x")], { k: "v" });
        await store.deleteSession("s7");
        expect(await store.getSession("s7")).toBeNull();
        const { conversation, created } = await store.loadConversation(session("s7"));
        expect(created).toBe(true);
        expect(conversation).toMatchObject({ messages: [], state: {} });
      }),
    );

    it(
      "is ready",
      withStore(async ({ store }) => {
        expect(await store.ping()).toBe(true);
      }),
    );
  });
}
