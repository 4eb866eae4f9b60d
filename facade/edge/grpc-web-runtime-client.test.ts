// The edge facade's runtime client against the real runtime (startRuntime in this process: pack,
// tools and scripted mock of the conformance manifests; session store and turn journal in a real
// redis-server) serving gRPC-web with a bridge token on a loopback port, driven from Node's fetch.
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { pino, type Logger } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RuntimeService, type ServerMessage } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { RedisTurnJournal } from "../../shared/journal/redis-turn-journal.js";
import { turnFrameJson } from "../../shared/protocol/turn-frames.js";
import { RedisSessionStore } from "../../shared/session/redis-session-store.js";
import { startConformanceRuntime, type ConformanceRuntime } from "../../test/helpers/conformance-runtime.js";
import { freePort } from "../../test/helpers/free-port.js";
import { startRedis, type RedisServer } from "../../test/helpers/redis-server.js";
import type { CallContext, RuntimeEvent, RuntimeUnavailableError, TurnRequest, TurnStream } from "../core/runtime-port.js";
import { GrpcWebRuntimeClient } from "./grpc-web-runtime-client.js";

const TOKEN = `bridge-${randomUUID()}`;
const LONG_ANSWER = Array.from({ length: 40 }, (_, i) => `w${i + 1}`).join(" ");

let redis: RedisServer;
let store: RedisSessionStore;
let journal: RedisTurnJournal;
/** Journal and store in Redis, a short chunk delay: turns last long enough to be cut. */
let runtime: ConformanceRuntime;
/** Slow chunks and a short heartbeat: streams go quiet between words. */
let quiet: ConformanceRuntime;
let client: GrpcWebRuntimeClient;
const logLines: string[] = [];

async function start(env: Record<string, string>, logger?: Logger): Promise<ConformanceRuntime> {
  return startConformanceRuntime({ ...env, OMNIA_GRPC_WEB_PORT: String(await freePort()), OMNIA_BRIDGE_TOKEN: TOKEN }, logger);
}

const urlOf = (r: ConformanceRuntime) => `http://127.0.0.1:${r.grpcWebPort}`;

beforeAll(async () => {
  redis = await startRedis();
  const lines = new Writable({ write: (chunk: Buffer, _encoding, done) => void (logLines.push(chunk.toString()), done()) });
  runtime = await start({ OMNIA_REDIS_URL: redis.url, OMNIA_MOCK_CHUNK_DELAY_MS: "15", OMNIA_TURN_LEASE: "2s" }, pino({ level: "info" }, lines));
  quiet = await start({ OMNIA_MOCK_CHUNK_DELAY_MS: "200", OMNIA_GRPC_WEB_HEARTBEAT: "50ms" });
  store = new RedisSessionStore({ url: redis.url, ttlMs: 3_600_000 });
  journal = new RedisTurnJournal({ url: redis.url, ttlMs: 3_600_000, leaseMs: 2_000 });
  client = new GrpcWebRuntimeClient({ baseUrl: urlOf(runtime), token: TOKEN });
});

afterAll(async () => {
  client?.close();
  await runtime?.stop(1_000);
  await quiet?.stop(1_000);
  await store?.close();
  await journal?.close();
  await redis?.stop();
});

function context(sessionId: string, requestId: string = randomUUID()): CallContext {
  return { agentName: "assistant", namespace: "default", sessionId, requestId };
}

function turn(sessionId: string, content: string, scenario?: string, requestId: string = randomUUID()): TurnRequest {
  return { sessionId, content, parts: [], metadata: scenario ? { mock_scenario: scenario } : {}, context: context(sessionId, requestId) };
}

/** What a TurnStream delivered, with hooks to act on events as they come. */
function watch(stream: TurnStream, onEvent: (event: RuntimeEvent, events: RuntimeEvent[]) => void = () => {}) {
  const events: RuntimeEvent[] = [];
  const ended = new Promise<RuntimeUnavailableError | undefined>((resolve) =>
    stream.listen({
      event: (event) => {
        events.push(event);
        onEvent(event, events);
      },
      end: resolve,
    }),
  );
  return { events, ended };
}

const chunks = (events: RuntimeEvent[]) => events.flatMap((e) => (e.type === "chunk" ? [e.content] : []));

function rawClient(baseUrl: string, token = TOKEN): Client<typeof RuntimeService> {
  return createClient(
    RuntimeService,
    createGrpcWebTransport({ baseUrl, interceptors: [(next) => (req) => (req.header.set("authorization", `Bearer ${token}`), next(req))] }),
  );
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("GrpcWebRuntimeClient against the runtime's gRPC-web port", () => {
  it("streams a turn's chunks, then done; the stream stays open until finish()", async () => {
    const stream = client.converse(turn("edge-1", "hello"));
    let done: () => void = () => {};
    const doneSeen = new Promise<void>((resolve) => (done = resolve));
    const { events, ended } = watch(stream, (event) => event.type === "done" && done());
    let hasEnded = false;
    void ended.then(() => (hasEnded = true));
    await doneSeen;
    // The runtime holds the call until the caller has journaled the end (up to 10 s).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hasEnded).toBe(false);
    const started = Date.now();
    stream.finish();
    expect(await ended).toBeUndefined();
    expect(chunks(events).join("")).toBe("Turn one answer: alpha bravo charlie delta echo.");
    expect(events.at(-1)).toMatchObject({ type: "done", content: "Turn one answer: alpha bravo charlie delta echo.", usage: { outputTokens: 8 } });
    expect(events.filter((e) => e.type === "done" || e.type === "error")).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await client.hasConversation("edge-1", context("edge-1"))).toBe("resumable");
  });

  it("round-trips a client tool call through SendTurnInput", async () => {
    const stream = client.converse(turn("edge-tools", "where am I?", "tools"));
    const { events, ended } = watch(stream, (event) => {
      if (event.type === "tool_call") stream.sendToolResult({ callId: event.id, resultJson: '{"city":"Paris"}', rejected: false });
      if (event.type === "done") stream.finish();
    });
    expect(await ended).toBeUndefined();
    expect(events[0]).toMatchObject({
      type: "tool_call",
      name: "get_location",
      argumentsJson: '{"precision":"city"}',
      client: true,
      consentMessage: "Share your location?",
      categories: ["location"],
    });
    expect(events.at(-1)).toMatchObject({ type: "done", content: "Thanks, I see where you are." });
  });

  it("cancel() stops the turn and the runtime stores nothing of it", async () => {
    const stream = client.converse(turn("edge-cancel", "go on", "long"));
    const { events, ended } = watch(stream, (_event, all) => all.length === 2 && stream.cancel());
    expect(await ended).toBeUndefined();
    // Longer than the rest of the answer would take to stream.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // The turn stopped where it was (an abort ends it with an error the facade no longer forwards).
    expect(chunks(events).length).toBeLessThan(10);
    expect(events.some((e) => e.type === "done")).toBe(false);
    expect((await store.getSession("edge-cancel"))?.turnCount ?? 0).toBe(0);
  });

  it("cancel() right after converse() stores nothing either (the cancel waits for its turn to reach the runtime)", async () => {
    const stream = client.converse(turn("edge-cancel-early", "go on", "long"));
    stream.cancel();
    const { events, ended } = watch(stream);
    expect(await ended).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(events.some((e) => e.type === "done")).toBe(false);
    expect((await store.getSession("edge-cancel-early"))?.turnCount ?? 0).toBe(0);
  });

  it("release() mid-turn: the runtime takes the turn over and journals the rest of it", async () => {
    const sessionId = "edge-takeover";
    const turnId = randomUUID();
    const facade = "edge-facade-under-test";
    expect(await journal.begin(sessionId, turnId, facade)).toEqual({ ok: true, lastSeq: 0 });
    const stream = client.converse(turn(sessionId, "tell me more", "long", turnId));
    const received: RuntimeEvent[] = [];
    // Journal the first two chunks as the facade would, then let go as a facade that stops does.
    const journaled = new Promise<void>((resolve, reject) =>
      stream.listen({
        event: (event) => {
          received.push(event);
          if (received.length !== 2) return;
          const frames = chunks(received).map((content, i) => ({ seq: i + 1, frame: turnFrameJson({ type: "chunk", content }, sessionId, i + 1, turnId), end: false }));
          journal.append(sessionId, turnId, facade, frames, 2).then((result) => {
            expect(result).toBe("ok");
            stream.release();
            resolve();
          }, reject);
        },
        end: () => {},
      }),
    );
    await journaled;

    await until(async () => (await journal.read(sessionId, null)).turn?.running === false, "the runtime ended the turn in the journal");
    const { entries, turn: status } = await journal.read(sessionId, null);
    expect(status).toMatchObject({ turnId, running: false });
    expect(status?.owner).toMatch(/^runtime:/);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const frames = entries.map((e) => JSON.parse(e.frame) as { type: string; content?: string; turn_id: string });
    expect(frames.every((f) => f.turn_id === turnId)).toBe(true);
    expect(frames.filter((f) => f.type === "chunk").map((f) => f.content).join("")).toBe(LONG_ANSWER);
    expect(frames.at(-1)).toMatchObject({ type: "done", content: LONG_ANSWER });
    await until(async () => (await store.getSession(sessionId))?.turnCount === 1, "the runtime stored the turn");
  });

  it("answers Health and HasConversation, and the raw service answers Invoke", async () => {
    expect(await client.health()).toEqual({ healthy: true, status: "SERVING" });
    expect(await client.hasConversation("edge-never", context("edge-never"))).toBe("not_found");
    const raw = rawClient(urlOf(runtime));
    const response = await raw.invoke({ inputJson: JSON.stringify("hello"), invocationId: "edge-inv" });
    expect(JSON.parse(response.outputJson)).toBe("Turn one answer: alpha bravo charlie delta echo.");
    expect(response.invocationId).toBe("edge-inv");
    await expect(raw.invoke({ inputJson: "not json" })).rejects.toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringContaining("INVALID_MESSAGE") });
  });

  it("refuses a ConverseTurn without x-omnia-request-id, and says when SendTurnInput names no running turn", async () => {
    const raw = rawClient(urlOf(runtime));
    const error = await (async () => {
      for await (const _ of raw.converseTurn({ sessionId: "edge-noid", content: "hi" })) return undefined;
    })().catch((err: unknown) => ConnectError.from(err));
    expect(error).toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringContaining("x-omnia-request-id") });
    expect(await raw.sendTurnInput({ turnId: "no-such-turn", finished: true })).toMatchObject({ delivered: false });
  });

  it("answers Converse (bidirectional) with Unimplemented, pointing to ConverseTurn", async () => {
    const converse = (authorization?: string) =>
      fetch(`${urlOf(runtime)}/omnia.runtime.v1.RuntimeService/Converse`, {
        method: "POST",
        headers: { "content-type": "application/grpc-web+proto", ...(authorization ? { authorization } : {}) },
        body: new Uint8Array(5),
      });
    const refused = await converse(`Bearer ${TOKEN}`);
    expect(refused.headers.get("grpc-status")).toBe(String(Code.Unimplemented));
    expect(decodeURIComponent(refused.headers.get("grpc-message") ?? "")).toContain("use ConverseTurn and SendTurnInput");
    expect((await converse()).headers.get("grpc-status")).toBe(String(Code.Unauthenticated));
  });

  it("refuses a missing or wrong bearer token with Unauthenticated, and never shows the token", async () => {
    for (const token of [undefined, "not-the-token"]) {
      const intruder = new GrpcWebRuntimeClient({ baseUrl: urlOf(runtime), token });
      const health = await intruder.health();
      expect(health.healthy).toBe(false);
      expect(health.status).toContain("Unauthenticated");
      const { events, ended } = watch(intruder.converse(turn("edge-intruder", "hi")));
      const error = await ended;
      expect(error?.name).toBe("RuntimeUnavailableError");
      expect(error?.message).toContain("Unauthenticated");
      expect(events).toEqual([]);
      expect(await intruder.hasConversation("edge-1", context("edge-1"))).toBe("unavailable");
    }
    expect(await store.getSession("edge-intruder")).toBeNull();
    expect(logLines.join("")).toContain("missing or wrong bearer token");
    expect(logLines.join("")).not.toContain(TOKEN);
  });

  it("reports a runtime that cannot be reached as unavailable", async () => {
    const gone = new GrpcWebRuntimeClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, token: TOKEN });
    expect((await gone.health()).healthy).toBe(false);
    const { ended } = watch(gone.converse(turn("edge-gone", "hi")));
    expect((await ended)?.message).toMatch(/^the agent runtime is unavailable/);
  });

  it("sends heartbeats on a quiet stream, and the client skips them", async () => {
    const requestId = randomUUID();
    const raw = rawClient(urlOf(quiet));
    const received: ServerMessage["message"]["case"][] = [];
    for await (const message of raw.converseTurn({ sessionId: "edge-quiet-raw", content: "hi" }, { headers: { "x-omnia-request-id": requestId } })) {
      received.push(message.message.case);
      if (message.message.case === "done") await raw.sendTurnInput({ turnId: requestId, finished: true });
    }
    // Eight words 200 ms apart, a heartbeat after 50 ms of silence: several between each two.
    expect(received.filter((c) => c === "heartbeat").length).toBeGreaterThanOrEqual(8);
    expect(received.filter((c) => c === "chunk")).toHaveLength(8);
    expect(received.at(-1)).toBe("done");

    const quietClient = new GrpcWebRuntimeClient({ baseUrl: urlOf(quiet), token: TOKEN });
    const stream = quietClient.converse(turn("edge-quiet", "hi"));
    const { events, ended } = watch(stream, (event) => event.type === "done" && stream.finish());
    expect(await ended).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual([...Array<string>(8).fill("chunk"), "done"]);
  });
});
