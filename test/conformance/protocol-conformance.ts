// The client protocol v1 conformance suite (PROTOCOL.md section 1), written against a
// ConformanceTarget so every placement runs the same checks over a real socket.
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { ServerFrame } from "../../shared/protocol/server-frames.js";
import { ProtocolClient, UpgradeRefused } from "../helpers/protocol-client.js";
import type { ConformanceTarget, DrainTarget } from "./conformance-target.js";

type Turn = { frames: ServerFrame[]; end: ServerFrame };

function text(turn: Turn): string {
  return turn.frames.map((f) => (f.type === "chunk" ? (f.content ?? "") : "")).join("");
}

function turnFrames(frames: ServerFrame[]): Array<ServerFrame & { seq: number; turn_id: string }> {
  return frames.filter((f) => f.type !== "connected" && !(f.type === "error" && f.turn_id === undefined)) as Array<
    ServerFrame & { seq: number; turn_id: string }
  >;
}

/** What a placement does beyond the protocol's core, which decides the checks that apply. */
export interface PlacementFeatures {
  /** One facade serves several agents (the pod's local mode does; a Worker serves one). */
  severalAgents: boolean;
  /** The facade pings idle sockets itself (at the edge, Cloudflare keeps sockets alive). */
  keepalivePings: boolean;
  /** A facade process that SIGTERM drains. */
  drainTarget?: () => Promise<DrainTarget>;
}

export function describeProtocolConformance(placement: string, getTarget: () => ConformanceTarget, features: PlacementFeatures): void {
  const open: ProtocolClient[] = [];
  const connect = async (query?: Record<string, string>, options?: WebSocket.ClientOptions) => {
    const client = await ProtocolClient.connect(getTarget().wsUrl(query), options);
    open.push(client);
    return client;
  };
  const connected = async (query?: Record<string, string>) => {
    const client = await connect(query);
    const hello = await client.next("connected");
    return { client, sessionId: hello.session_id };
  };
  afterEach(() => {
    for (const c of open.splice(0)) {
      expect(c.invalidFrames, "every server frame matches the protocol schemas").toEqual([]);
      c.close();
    }
  });

  describe(`protocol v1 conformance (${placement})`, () => {
    describe("connecting", () => {
      it("sends connected at once with a session id and the capabilities", async () => {
        const client = await connect();
        const hello = await client.next("connected");
        expect(hello.session_id).toMatch(/^[0-9a-f-]{36}$/);
        expect(hello.connected.capabilities).toEqual({
          binary_frames: false,
          max_payload_size: getTarget().limits.maxFrameBytes,
          protocol_version: 1,
        });
        expect(Date.parse(hello.timestamp)).not.toBeNaN();
      });

      it("serves the agent at its alias path too", async () => {
        const client = await ProtocolClient.connect(getTarget().wsUrl().replace(/\/ws\?.*$/, "/api/agents/default/assistant/ws"));
        open.push(client);
        await client.next("connected");
      });

      it("refuses an unknown agent with 400, and a missing agent with 400 when several are served", async () => {
        await expect(ProtocolClient.connect(getTarget().wsUrl({ agent: "nobody" }))).rejects.toMatchObject({ status: 400 });
        const url = new URL(getTarget().wsUrl());
        url.searchParams.delete("agent");
        if (features.severalAgents) {
          await expect(ProtocolClient.connect(url.toString())).rejects.toMatchObject({ status: 400 });
        } else {
          const only = await ProtocolClient.connect(url.toString());
          open.push(only);
          await only.next("connected");
        }
      });

      it("refuses a browser origin that is not allowed with 403, and lets an allowed one in", async () => {
        await expect(ProtocolClient.connect(getTarget().wsUrl(), { origin: "https://evil.example" })).rejects.toBeInstanceOf(UpgradeRefused);
        await expect(ProtocolClient.connect(getTarget().wsUrl(), { origin: "https://evil.example" })).rejects.toMatchObject({ status: 403 });
        const ok = await connect(undefined, { origin: getTarget().allowedOrigin });
        await ok.next("connected");
      });

      it("answers /healthz and /readyz", async () => {
        const health = await fetch(getTarget().httpUrl("/healthz"));
        expect(health.status).toBe(200);
        const ready = await fetch(getTarget().httpUrl("/readyz"));
        expect(ready.status).toBe(200);
      });
    });

    describe("turns", () => {
      it("streams chunks then one done whose content is the chunks joined, with seq and turn_id on each", async () => {
        const { client, sessionId } = await connected();
        client.send({ type: "message", session_id: sessionId, content: "hello" });
        const turn = await client.turn();
        expect(turn.end.type).toBe("done");
        const chunks = turn.frames.filter((f) => f.type === "chunk");
        expect(chunks.length).toBeGreaterThan(3);
        expect(text(turn)).toBe("Turn one answer: alpha bravo charlie delta echo.");
        expect(turn.end.type === "done" && turn.end.content).toBe(text(turn));
        const stamped = turnFrames(turn.frames);
        expect(new Set(stamped.map((f) => f.turn_id)).size).toBe(1);
        expect(stamped.map((f) => f.seq)).toEqual(stamped.map((_, i) => i + 1));
        expect(stamped.every((f) => f.session_id === sessionId)).toBe(true);
        if (turn.end.type === "done") {
          expect(turn.end.usage?.output_tokens).toBeGreaterThan(0);
          expect(turn.end.usage?.input_tokens).toBeGreaterThan(0);
          expect(turn.end.usage?.cost_usd).toBeGreaterThan(0);
        }
      });

      it("continues the session: the next turn sees the history and seq keeps increasing", async () => {
        const { client, sessionId } = await connected();
        client.send({ type: "message", session_id: sessionId, content: "first" });
        const first = await client.turn();
        client.send({ type: "message", session_id: sessionId, content: "second" });
        const second = await client.turn();
        expect(text(second)).toBe("Turn two answer: foxtrot golf hotel india juliet.");
        const lastSeqOfFirst = Math.max(...turnFrames(first.frames).map((f) => f.seq));
        const seqs = turnFrames(second.frames).map((f) => f.seq);
        expect(seqs[0]).toBe(lastSeqOfFirst + 1);
        const history = await getTarget().history(sessionId);
        expect(history.map((m) => [m.role, m.content])).toEqual([
          ["user", "first"],
          ["assistant", text(first)],
          ["user", "second"],
          ["assistant", text(second)],
        ]);
      });

      it("starts a new session, announced by another connected, for a message without session_id", async () => {
        const { client, sessionId } = await connected();
        client.send({ type: "message", content: "new one" });
        const hello = await client.next("connected");
        expect(hello.session_id).not.toBe(sessionId);
        const turn = await client.turn();
        expect(turn.end.session_id).toBe(hello.session_id);
        expect(text(turn)).toBe("Turn one answer: alpha bravo charlie delta echo.");
      });

      it("reconnects to an existing session from another socket and continues its history", async () => {
        const first = await connected();
        first.client.send({ type: "message", session_id: first.sessionId, content: "one" });
        await first.client.turn();
        first.client.close();
        const second = await connected();
        second.client.send({ type: "message", session_id: first.sessionId, content: "two" });
        const turn = await second.client.turn();
        expect(turn.end.type).toBe("done");
        expect(turn.end.session_id).toBe(first.sessionId);
        expect(text(turn)).toBe("Turn two answer: foxtrot golf hotel india juliet.");
      });

      it("answers SESSION_EXPIRED for an unknown session, drops the message and keeps the connection", async () => {
        const { client, sessionId } = await connected();
        client.send({ type: "message", session_id: "0f0f0f0f-0000-4000-8000-000000000000", content: "lost" });
        const err = await client.next("error");
        expect(err.error.code).toBe("SESSION_EXPIRED");
        expect(err.turn_id).toBeUndefined();
        client.send({ type: "message", session_id: sessionId, content: "still here" });
        expect((await client.turn()).end.type).toBe("done");
        expect((await getTarget().history(sessionId)).filter((m) => m.role === "user").map((m) => m.content)).toEqual(["still here"]);
      });

      it("refuses a second message during a turn with RATE_LIMITED and finishes the first", async () => {
        const { client, sessionId } = await connected();
        client.send({ type: "message", session_id: sessionId, content: "one", metadata: { mock_scenario: "long" } });
        await client.next("chunk");
        client.send({ type: "message", session_id: sessionId, content: "two" });
        const err = await client.next("error");
        expect(err.error.code).toBe("RATE_LIMITED");
        expect(err.turn_id).toBeUndefined();
        const turn = await client.turn();
        expect(turn.end.type).toBe("done");
        expect(turn.end.type === "done" && turn.end.content?.startsWith("w1 w2")).toBe(true);
      });

      it("ends a turn whose tool has no handler with TOOL_FAILED and stores nothing of it", async () => {
        const { client, sessionId } = await connected();
        client.send({ type: "message", session_id: sessionId, content: "use a tool", metadata: { mock_scenario: "unknown_tool" } });
        const turn = await client.turn();
        expect(turn.end.type).toBe("error");
        expect(turn.end.type === "error" && turn.end.error.code).toBe("TOOL_FAILED");
        expect(turn.end.type === "error" && turn.end.error.message).toContain("no_such_tool");
        expect(await getTarget().history(sessionId)).toEqual([]);
      });
    });

    describe("resume", () => {
      const LONG = Array.from({ length: 40 }, (_, i) => `w${i + 1}`).join(" ");
      const seqsOf = (frames: ServerFrame[]) => turnFrames(frames).map((f) => f.seq);

      it("replays what a client missed when its socket dropped mid-turn, then the live rest, each frame once", async () => {
        const { client, sessionId } = await connected();
        client.send({ type: "message", session_id: sessionId, content: "long one", metadata: { mock_scenario: "long" } });
        const seen: ServerFrame[] = [];
        for (let i = 0; i < 3; i++) seen.push(await client.next("chunk"));
        client.socket.terminate();
        const afterSeq = Math.max(...seqsOf(seen));
        const resumed = await connect({ resume: sessionId, after_seq: String(afterSeq) });
        const hello = await resumed.next("connected");
        expect(hello).toMatchObject({ session_id: sessionId, connected: { resumed: true, turn_running: true } });
        expect(hello.connected.last_seq).toBeGreaterThanOrEqual(afterSeq);
        const rest = await resumed.turn();
        expect(rest.end.type).toBe("done");
        const all = [...seen, ...rest.frames];
        expect(seqsOf(all)).toEqual(seqsOf(all).map((_, i) => i + 1));
        expect(all.map((f) => (f.type === "chunk" ? (f.content ?? "") : "")).join("")).toBe(LONG);
        expect(rest.end.type === "done" && rest.end.content).toBe(LONG);
        await new Promise((r) => setTimeout(r, 100));
        expect(turnFrames(resumed.unread())).toEqual([]);
        // The session goes on from the resumed socket, seq continuing.
        resumed.send({ type: "message", session_id: sessionId, content: "next" });
        const next = await resumed.turn();
        expect(seqsOf(next.frames)[0]).toBe(Math.max(...seqsOf(all)) + 1);
      });

      it("answers a resume frame on an open connection with connected and the frames after after_seq", async () => {
        const first = await connected();
        first.client.send({ type: "message", session_id: first.sessionId, content: "one" });
        const turn = await first.client.turn();
        const seqs = seqsOf(turn.frames);
        const other = await connected();
        other.client.send({ type: "resume", session_id: first.sessionId, after_seq: seqs[2] });
        expect(await other.client.next("connected")).toMatchObject({ session_id: first.sessionId, connected: { resumed: true } });
        const replay = await other.client.turn();
        expect(seqsOf(replay.frames)).toEqual(seqs.slice(3));
        expect(replay.end).toEqual(turn.end);
      });

      it("holds a message sent during the replay until the replay has ended, then runs it", async () => {
        const first = await connected();
        first.client.send({ type: "message", session_id: first.sessionId, content: "one" });
        const turn = await first.client.turn();
        const resumed = await connect({ resume: first.sessionId, after_seq: "0" });
        expect(await resumed.next("connected")).toMatchObject({ connected: { resumed: true, turn_running: false, last_seq: seqsOf(turn.frames).at(-1) } });
        resumed.send({ type: "message", session_id: first.sessionId, content: "two" });
        const replay = await resumed.turn();
        expect(replay.frames).toEqual(turn.frames);
        const next = await resumed.turn();
        expect(next.end.type).toBe("done");
        expect(text(next)).toBe("Turn two answer: foxtrot golf hotel india juliet.");
        expect(resumed.frames.filter((f) => f.type === "error")).toEqual([]);
      });

      it("replays the latest turn from its start when ?resume= comes without after_seq", async () => {
        const first = await connected();
        first.client.send({ type: "message", session_id: first.sessionId, content: "one" });
        await first.client.turn();
        first.client.send({ type: "message", session_id: first.sessionId, content: "two" });
        const latest = await first.client.turn();
        const resumed = await connect({ resume: first.sessionId });
        await resumed.next("connected");
        const replay = await resumed.turn();
        expect(replay.frames.map((f) => JSON.stringify(f))).toEqual(latest.frames.map((f) => JSON.stringify(f)));
      });

      it("gives a fresh session and SESSION_EXPIRED for a session it does not know, and the connection works", async () => {
        const client = await connect({ resume: "0f0f0f0f-0000-4000-8000-000000000000", after_seq: "3" });
        const hello = await client.next("connected");
        expect(hello.session_id).not.toBe("0f0f0f0f-0000-4000-8000-000000000000");
        expect(hello.connected.resumed).toBeUndefined();
        expect((await client.next("error")).error.code).toBe("SESSION_EXPIRED");
        client.send({ type: "message", session_id: hello.session_id, content: "hello" });
        expect((await client.turn()).end.type).toBe("done");
      });

      it("refuses a malformed resume query with 400 and a malformed resume frame with INVALID_MESSAGE", async () => {
        const queries: Record<string, string>[] = [{ resume: "x", after_seq: "-1" }, { resume: "x", after_seq: "ten" }, { resume: "bad id!" }, { after_seq: "2" }];
        for (const query of queries) {
          await expect(connect(query)).rejects.toMatchObject({ status: 400 });
        }
        const { client } = await connected();
        client.send({ type: "resume", session_id: "abc", after_seq: -4 });
        expect((await client.next("error")).error).toMatchObject({ code: "INVALID_MESSAGE", message: expect.stringContaining("after_seq") });
      });

      it("keeps one turn per session: a message while the session's turn runs on another socket gets RATE_LIMITED", async () => {
        const { client, sessionId } = await connected();
        client.send({ type: "message", session_id: sessionId, content: "long one", metadata: { mock_scenario: "long" } });
        await client.next("chunk");
        const other = await connected();
        other.client.send({ type: "message", session_id: sessionId, content: "meanwhile" });
        const refused = await other.client.next("error");
        expect(refused.error.code).toBe("RATE_LIMITED");
        expect(refused.turn_id).toBeUndefined();
        expect((await client.turn()).end.type).toBe("done");
        other.client.send({ type: "message", session_id: sessionId, content: "now" });
        expect((await other.client.turn()).end.type).toBe("done");
      });
    });

    describe.runIf(features.severalAgents)("another agent on the same facade", () => {
      it("routes by the agent parameter and ends a turn missing a required prompt variable with INVALID_MESSAGE", async () => {
        const { client, sessionId } = await connected({ agent: "second" });
        client.send({ type: "message", session_id: sessionId, content: "help" });
        const refused = await client.turn();
        expect(refused.end.type === "error" && refused.end.error.code).toBe("INVALID_MESSAGE");
        expect(refused.end.type === "error" && refused.end.error.message).toContain("customer_id");
        client.send({ type: "message", session_id: sessionId, content: "help", metadata: { customer_id: "c-42" } });
        const answered = await client.turn();
        expect(answered.end.type).toBe("done");
        // No scripted file for this agent: the reference mock's fallback answer.
        expect(text(answered)).toBe("Mock response for provider mock model mock-model");
      });
    });

    describe("client-side tools", () => {
      const toolTurn = async () => {
        const { client, sessionId } = await connected();
        client.send({ type: "message", session_id: sessionId, content: "where am I?", metadata: { mock_scenario: "tools" } });
        const call = await client.next("tool_call");
        return { client, sessionId, call };
      };

      it("sends tool_call with consent message and categories; the client's result lets the turn finish", async () => {
        const { client, sessionId, call } = await toolTurn();
        expect(call.tool_call).toMatchObject({
          name: "get_location",
          arguments: { precision: "city" },
          consent_message: "Share your location?",
          categories: ["location"],
        });
        expect(call.seq).toBe(1);
        client.send({ type: "tool_call_ack", session_id: sessionId, tool_call_ack: { call_id: call.tool_call.id } });
        client.send({ type: "tool_result", session_id: sessionId, tool_result: { call_id: call.tool_call.id, result: { city: "Lisbon" } } });
        const turn = await client.turn();
        expect(turn.end.type).toBe("done");
        expect(text(turn)).toBe("Thanks, I see where you are.");
        const history = await getTarget().history(sessionId);
        const toolMessage = history.find((m) => m.role === "tool");
        expect(toolMessage?.content).toContain("Lisbon");
      });

      it("turns a nack into a rejected result and goes on", async () => {
        const { client, sessionId, call } = await toolTurn();
        client.send({ type: "tool_call_nack", session_id: sessionId, tool_call_nack: { call_id: call.tool_call.id, reason: "user said no" } });
        const turn = await client.turn();
        expect(turn.end.type).toBe("done");
        const toolMessage = (await getTarget().history(sessionId)).find((m) => m.role === "tool");
        expect(toolMessage?.content).toContain("user said no");
      });

      it("rejects the call when the client neither acknowledges nor answers in time, and the turn goes on", async () => {
        const { client, sessionId } = await toolTurn();
        const turn = await client.turn(getTarget().limits.clientToolAckTimeoutMs + 10_000);
        expect(turn.end.type).toBe("done");
        const toolMessage = (await getTarget().history(sessionId)).find((m) => m.role === "tool");
        expect(toolMessage?.content).toContain("did not acknowledge");
      });

      it("rejects an acknowledged call the client never answers, after the answer timeout", async () => {
        const { client, sessionId, call } = await toolTurn();
        client.send({ type: "tool_call_ack", tool_call_ack: { call_id: call.tool_call.id } });
        const started = Date.now();
        const turn = await client.turn(getTarget().limits.clientToolTimeoutMs + 10_000);
        expect(Date.now() - started).toBeGreaterThanOrEqual(getTarget().limits.clientToolAckTimeoutMs);
        expect(turn.end.type).toBe("done");
        const toolMessage = (await getTarget().history(sessionId)).find((m) => m.role === "tool");
        expect(toolMessage?.content).toContain("did not answer");
      });

      it("answers a tool_result or ack for no pending call with INVALID_MESSAGE", async () => {
        const { client } = await connected();
        client.send({ type: "tool_result", tool_result: { call_id: "nope", result: 1 } });
        expect((await client.next("error")).error).toMatchObject({ code: "INVALID_MESSAGE", message: expect.stringContaining("nope") });
        client.send({ type: "tool_call_ack", tool_call_ack: { call_id: "nope" } });
        expect((await client.next("error")).error.code).toBe("INVALID_MESSAGE");
      });

      it("answers a tool frame naming another session with SESSION_NOT_FOUND", async () => {
        const { client } = await connected();
        client.send({ type: "tool_result", session_id: "someone-else", tool_result: { call_id: "x" } });
        expect((await client.next("error")).error.code).toBe("SESSION_NOT_FOUND");
      });
    });

    describe("bad frames leave the connection and the session usable", () => {
      const cases: Array<[string, () => string, string]> = [
        ["not JSON", () => "{oops", "not valid JSON"],
        ["an unknown type", () => JSON.stringify({ type: "teleport" }), 'unknown message type "teleport"'],
        ["a wrong field type", () => JSON.stringify({ type: "message", content: 42 }), "message.content"],
        ["a message with neither content nor parts", () => JSON.stringify({ type: "message" }), "content or parts"],
        ["a frame over the size limit", () => JSON.stringify({ type: "message", content: "x".repeat(getTarget().limits.maxFrameBytes) }), "exceeds the limit"],
      ];
      it.each(cases)("%s gets INVALID_MESSAGE naming the problem", async (_name, frame, expected) => {
        const { client, sessionId } = await connected();
        client.send({ type: "message", session_id: sessionId, content: "before" });
        await client.turn();
        client.send(frame());
        const err = await client.next("error", 20_000);
        expect(err.error.code).toBe("INVALID_MESSAGE");
        expect(err.error.message).toContain(expected);
        client.send({ type: "message", session_id: sessionId, content: "after" });
        const turn = await client.turn();
        expect(text(turn)).toBe("Turn two answer: foxtrot golf hotel india juliet.");
      });

      it("answers binary frames with INVALID_MESSAGE", async () => {
        const { client } = await connected();
        client.socket.send(Buffer.from([1, 2, 3]));
        expect((await client.next("error")).error).toMatchObject({ code: "INVALID_MESSAGE", message: expect.stringContaining("binary") });
      });

      it("rate-limits a flood of frames with RATE_LIMITED and keeps the connection", async () => {
        const { client, sessionId } = await connected();
        for (let i = 0; i < 160; i++) client.send({ type: "tool_call_ack", tool_call_ack: { call_id: `flood-${i}` } });
        await client.next("error", 10_000, (f) => f.error.code === "RATE_LIMITED");
        await new Promise((r) => setTimeout(r, 1_500));
        client.send({ type: "message", session_id: sessionId, content: "calm again" });
        expect((await client.turn()).end.type).toBe("done");
      });

      it("answers upload_request and a message with a storage_ref with MEDIA_NOT_ENABLED", async () => {
        const { client } = await connected();
        client.send({ type: "upload_request", upload_request: { filename: "a.png", mime_type: "image/png", size_bytes: 10 } });
        expect((await client.next("error")).error.code).toBe("MEDIA_NOT_ENABLED");
        client.send({
          type: "message",
          parts: [{ type: "image", media: { storage_ref: "omnia://sessions/x/media/y", mime_type: "image/png" } }],
        });
        expect((await client.next("error")).error.code).toBe("MEDIA_NOT_ENABLED");
      });
    });

    describe("ending", () => {
      it("closes the socket on hangup", async () => {
        const { client, sessionId } = await connected();
        client.send({ type: "message", session_id: sessionId, content: "bye", metadata: { mock_scenario: "long" } });
        await client.next("chunk");
        client.send({ type: "hangup" });
        const closed = await client.waitClosed();
        expect(closed.code).toBe(1000);
      });

      it.runIf(features.keepalivePings)("terminates a socket that stops answering pings, and keeps one that answers", async () => {
        const silent = await connect(undefined, { autoPong: false });
        await silent.next("connected");
        const lively = await connect();
        await lively.next("connected");
        await silent.waitClosed(getTarget().limits.pongTimeoutMs * 3 + 5_000);
        expect(lively.closed).toBeNull();
      });

      it("ends the turn with AGENT_UNAVAILABLE when the runtime dies mid-turn, keeping earlier turns", async () => {
        const { client, sessionId } = await connected();
        client.send({ type: "message", session_id: sessionId, content: "remember me" });
        const first = await client.turn();
        client.send({ type: "message", session_id: sessionId, content: "long one", metadata: { mock_scenario: "long" } });
        await client.next("chunk");
        await getTarget().killRuntime();
        const turn = await client.turn();
        expect(turn.end.type === "error" && turn.end.error.code).toBe("AGENT_UNAVAILABLE");
        expect(client.closed).toBeNull();
        await getTarget().startRuntime();
        const history = await getTarget().history(sessionId);
        expect(history.map((m) => m.content)).toEqual(["remember me", text(first)]);
        client.send({ type: "message", session_id: sessionId, content: "back" });
        const after = await client.turn();
        expect(text(after)).toBe("Turn two answer: foxtrot golf hotel india juliet.");
      });
    });

    describe.runIf(features.drainTarget !== undefined)("drain on SIGTERM", () => {
      it("turns readyz and new upgrades to 503, closes idle sockets with 1001 at once and busy ones after their turn", async () => {
        const drain = await (features.drainTarget as () => Promise<DrainTarget>)();
        const idle = await ProtocolClient.connect(drain.wsUrl());
        await idle.next("connected");
        const busy = await ProtocolClient.connect(drain.wsUrl());
        const hello = await busy.next("connected");
        busy.send({ type: "message", session_id: hello.session_id, content: "long", metadata: { mock_scenario: "long" } });
        await busy.next("chunk");
        const exited = drain.terminate();
        expect((await idle.waitClosed()).code).toBe(1001);
        expect(busy.closed).toBeNull();
        expect((await fetch(drain.httpUrl("/readyz"))).status).toBe(503);
        await expect(ProtocolClient.connect(drain.wsUrl())).rejects.toMatchObject({ status: 503 });
        const turn = await busy.turn();
        expect(turn.end.type).toBe("done");
        expect((await busy.waitClosed()).code).toBe(1001);
        expect(await exited).toBe(0);
        expect([...idle.invalidFrames, ...busy.invalidFrames]).toEqual([]);
      });
    });
  });
}
