// Behaviour every SessionStore backend must have; each backend's test runs it.
import { describe, expect, it } from "vitest";
import type { SessionStore, StoredMessage } from "./session-store.js";

export interface StoreUnderTest {
  store: SessionStore;
  /** Lets the store's clock (or real time) pass beyond ms. */
  advance(ms: number): Promise<void>;
  ttlMs: number;
}

const message = (id: string, role: StoredMessage["role"], content: string): StoredMessage => ({
  id,
  role,
  content,
  timestamp: new Date().toISOString(),
});

export function describeSessionStoreContract(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`SessionStore contract: ${name}`, () => {
    const session = (id: string) => ({ id, agentName: "assistant", namespace: "default" });

    it("creates a session on first load and finds it afterwards", async () => {
      const { store } = await make();
      const first = await store.loadConversation(session("s1"));
      expect(first.created).toBe(true);
      expect(first.conversation.messages).toEqual([]);
      expect(first.conversation.meta).toMatchObject({ id: "s1", agentName: "assistant", namespace: "default", turnCount: 0 });
      const again = await store.loadConversation(session("s1"));
      expect(again.created).toBe(false);
      expect(await store.getSession("s1")).toMatchObject({ id: "s1" });
      await store.close();
    });

    it("keeps history in order across turns and counts turns", async () => {
      const { store } = await make();
      await store.loadConversation(session("s2"));
      await store.appendTurn("s2", [message("1", "user", "hi"), message("2", "assistant", "hello")]);
      await store.appendTurn("s2", [
        { ...message("3", "user", "tool please") },
        { ...message("4", "assistant", ""), toolCalls: [{ id: "c1", name: "t", argumentsJson: "{}" }] },
        { ...message("5", "tool", '{"ok":true}'), toolCallId: "c1" },
        message("6", "assistant", "done"),
      ]);
      const { conversation } = await store.loadConversation(session("s2"));
      expect(conversation.messages.map((m) => m.content)).toEqual(["hi", "hello", "tool please", "", '{"ok":true}', "done"]);
      expect(conversation.messages[3]?.toolCalls).toEqual([{ id: "c1", name: "t", argumentsJson: "{}" }]);
      expect(conversation.messages[4]?.toolCallId).toBe("c1");
      expect(conversation.meta.turnCount).toBe(2);
      await store.close();
    });

    it("merges state", async () => {
      const { store } = await make();
      await store.loadConversation(session("s3"));
      await store.setState("s3", { a: "1", b: "2" });
      await store.appendTurn("s3", [message("1", "user", "x")], { b: "3", c: "4" });
      const { conversation } = await store.loadConversation(session("s3"));
      expect(conversation.state).toEqual({ a: "1", b: "3", c: "4" });
      await store.close();
    });

    it("returns copies: changing what it returned changes nothing stored", async () => {
      const { store } = await make();
      await store.loadConversation(session("s4"));
      await store.appendTurn("s4", [message("1", "user", "original")]);
      const { conversation } = await store.loadConversation(session("s4"));
      conversation.messages.push(message("x", "user", "injected"));
      (conversation.messages[0] as StoredMessage).content = "changed";
      const again = await store.loadConversation(session("s4"));
      expect(again.conversation.messages.map((m) => m.content)).toEqual(["original"]);
      await store.close();
    });

    it("forgets a session after its TTL and refreshes the TTL on use", async () => {
      const { store, advance, ttlMs } = await make();
      await store.loadConversation(session("s5"));
      await store.appendTurn("s5", [message("1", "user", "hi")]);
      await store.loadConversation(session("s6"));
      await advance(ttlMs * 0.6);
      await store.touch("s5");
      await advance(ttlMs * 0.6);
      expect(await store.getSession("s6")).toBeNull();
      const kept = await store.getSession("s5");
      expect(kept).not.toBeNull();
      const { conversation } = await store.loadConversation(session("s5"));
      expect(conversation.messages.map((m) => m.content)).toEqual(["hi"]);
      await store.close();
    });

    it("deletes a session and answers null for unknown ones", async () => {
      const { store } = await make();
      expect(await store.getSession("never")).toBeNull();
      await store.loadConversation(session("s7"));
      await store.deleteSession("s7");
      expect(await store.getSession("s7")).toBeNull();
      expect(await store.ping()).toBe(true);
      await store.close();
    });
  });
}
