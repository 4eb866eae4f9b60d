// Turns survive what breaks them: a socket cut at any point of a turn, the facade that owns the
// turn SIGKILLed, its runtime lost with it, and redis-server killed and restarted. Two facade
// processes and one runtime, all real, sharing a real redis-server with AOF persistence.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOmniaProcess, waitForHttpOk, type OmniaProcess } from "../../deploy/local/child-process.js";
import { startLocalStack, type LocalStack } from "../../deploy/local/local-stack.js";
import type { ServerFrame } from "../../shared/protocol/server-frames.js";
import { RedisSessionStore } from "../../shared/session/redis-session-store.js";
import { freePort } from "../helpers/free-port.js";
import { ProtocolClient } from "../helpers/protocol-client.js";
import { startRedis, type RedisServer } from "../helpers/redis-server.js";
import { seededRandom } from "../helpers/seeded-random.js";

const MANIFESTS = join(import.meta.dirname, "../fixtures/conformance");
const LONG_ANSWER = Array.from({ length: 40 }, (_, i) => `w${i + 1}`).join(" ");
const LEASE = "1500ms";
const AGENT = "assistant";

let redis: RedisServer;
let stack: LocalStack;
let store: RedisSessionStore;
let stateDir: string;
const facades: Array<{ url: string; process: OmniaProcess }> = [];

async function startFacade(name: string): Promise<{ url: string; process: OmniaProcess }> {
  const port = await freePort();
  const runtime = stack.runtime(`default/${AGENT}`);
  const process = startOmniaProcess({
    name,
    entry: "facade/node/main.ts",
    logDir: stack.logDir,
    env: {
      PORT: String(port),
      OMNIA_FACADE_HOST: "127.0.0.1",
      OMNIA_AGENT_ROUTES: `default/${AGENT}=127.0.0.1:${runtime.grpcPort}`,
      OMNIA_REDIS_URL: redis.url,
      OMNIA_TURN_LEASE: LEASE,
      OMNIA_FACADE_ID: name,
    },
  });
  const url = `ws://127.0.0.1:${port}/ws?agent=${AGENT}`;
  await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, 20_000, process.exited);
  const facade = { url, process };
  facades.push(facade);
  return facade;
}

beforeAll(async () => {
  redis = await startRedis({ appendonly: true });
  stateDir = mkdtempSync(join(tmpdir(), "omnia-chaos-"));
  stack = await startLocalStack({
    manifestsDir: MANIFESTS,
    port: 0,
    redisUrl: redis.url,
    stateDir,
    runtimeEnv: { OMNIA_MOCK_CHUNK_DELAY_MS: "2", OMNIA_TURN_LEASE: LEASE },
    facadeEnv: { OMNIA_TURN_LEASE: LEASE, OMNIA_FACADE_ID: "facade-a" },
  });
  facades.push({ url: `${stack.url.replace("http", "ws")}ws?agent=${AGENT}`, process: stack.facade });
  await startFacade("facade-b");
  store = new RedisSessionStore({ url: redis.url, ttlMs: 3_600_000 });
}, 60_000);

afterAll(async () => {
  await store?.close();
  for (const facade of facades.slice(1)) await facade.process.stop(2_000);
  await stack?.stop();
  await redis?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

const isTurnFrame = (f: ServerFrame): f is Extract<ServerFrame, { seq?: number }> & { seq: number } =>
  (f.type === "chunk" || f.type === "done" || f.type === "tool_call" || f.type === "error") && typeof (f as { seq?: unknown }).seq === "number";

/** What the client application sees of one turn across its sockets. */
class TurnView {
  readonly seqs: number[] = [];
  text = "";
  end: ServerFrame | undefined;

  take(frames: ServerFrame[]): void {
    for (const frame of frames) {
      if (!isTurnFrame(frame) || this.end) continue;
      this.seqs.push(frame.seq);
      if (frame.type === "chunk") this.text += frame.content ?? "";
      if (frame.type === "done" || frame.type === "error") this.end = frame;
    }
  }

  get lastSeq(): number {
    return this.seqs[this.seqs.length - 1] ?? 0;
  }
}

async function send(url: string, sessionId: string | undefined, content: string): Promise<{ client: ProtocolClient; sessionId: string }> {
  const client = await ProtocolClient.connect(url);
  const connected = await client.next("connected");
  client.send({ type: "message", ...(sessionId ? { session_id: sessionId } : {}), content, metadata: { mock_scenario: "long" } });
  if (!sessionId) {
    // A message without session_id starts a new session, announced by a second `connected`.
    const fresh = await client.next("connected");
    return { client, sessionId: fresh.session_id ?? connected.session_id ?? "" };
  }
  return { client, sessionId };
}

/** Reads turn frames into `view` until `count` of this turn's frames were seen, or the turn ended. */
async function readUntil(client: ProtocolClient, view: TurnView, count: number, timeoutMs = 15_000): Promise<void> {
  const before = view.seqs.length;
  while (!view.end && view.seqs.length - before < count) {
    const frame = await client.nextWhere((f): f is ServerFrame => isTurnFrame(f), timeoutMs, "turn");
    view.take([frame]);
  }
}

async function resume(url: string, sessionId: string, afterSeq: number): Promise<ProtocolClient> {
  const client = await ProtocolClient.connect(`${url}&resume=${sessionId}&after_seq=${afterSeq}`);
  const connected = await client.next("connected");
  expect(connected).toMatchObject({ session_id: sessionId, connected: { resumed: true } });
  return client;
}

async function lastAnswer(sessionId: string): Promise<string | undefined> {
  const { conversation } = await store.loadConversation({ id: sessionId, agentName: AGENT, namespace: "default" });
  return conversation.messages.filter((m) => m.role === "assistant").at(-1)?.content;
}

function expectWholeTurn(view: TurnView, firstSeq: number): void {
  expect(view.end?.type).toBe("done");
  expect(view.seqs).toEqual(Array.from({ length: view.seqs.length }, (_, i) => firstSeq + i));
  expect(view.text).toBe(LONG_ANSWER);
}

describe("turns survive a dropped socket, a killed facade and a Redis restart", () => {
  it("a socket cut at a random point of a turn (100 seeded trials) loses and repeats nothing", async () => {
    const random = seededRandom(20261127);
    let sessionId: string | undefined;
    let lastSeq = 0;
    for (let trial = 0; trial < 100; trial++) {
      // A new session every 10 trials; within one, seq goes on across turns.
      if (trial % 10 === 0) {
        sessionId = undefined;
        lastSeq = 0;
      }
      const start = facades[Math.floor(random() * 2)] as (typeof facades)[number];
      const sent = await send(start.url, sessionId, `trial ${trial}`);
      sessionId = sent.sessionId;
      const view = new TurnView();
      const cutAfter = 1 + Math.floor(random() * 40); // 41 frames: 40 chunks and done
      await readUntil(sent.client, view, cutAfter);
      sent.client.socket.terminate();
      // It may take more than one reconnect: cut the resumed socket too, now and then.
      for (let hop = 0; !view.end; hop++) {
        const target = facades[Math.floor(random() * 2)] as (typeof facades)[number];
        const resumed = await resume(target.url, sessionId, view.lastSeq || lastSeq);
        if (hop === 0 && random() < 0.3) {
          await readUntil(resumed, view, 1 + Math.floor(random() * 5));
          resumed.socket.terminate();
          continue;
        }
        await readUntil(resumed, view, Number.MAX_SAFE_INTEGER);
        await new Promise((r) => setTimeout(r, 5));
        // Nothing after the end: no frame twice.
        expect(resumed.unread().filter(isTurnFrame)).toEqual([]);
        resumed.close();
      }
      expectWholeTurn(view, lastSeq + 1);
      expect(await lastAnswer(sessionId)).toBe(view.text);
      lastSeq = view.lastSeq;
    }
  }, 120_000);

  it("the owning facade SIGKILLed mid-turn: the runtime finishes the turn and the client resumes it on the other", async () => {
    const doomed = await startFacade("facade-doomed");
    const { client, sessionId } = await send(doomed.url, undefined, "survive this");
    const view = new TurnView();
    await readUntil(client, view, 5);
    doomed.process.kill("SIGKILL");
    await doomed.process.exited;
    const resumed = await resume(facades[1]?.url ?? "", sessionId, view.lastSeq);
    await readUntil(resumed, view, Number.MAX_SAFE_INTEGER);
    expectWholeTurn(view, 1);
    expect(await lastAnswer(sessionId)).toBe(LONG_ANSWER);
    // The session is not stuck in a turn: the next message is accepted at once.
    resumed.send({ type: "message", session_id: sessionId, content: "and again", metadata: { mock_scenario: "long" } });
    const next = await resumed.turn();
    expect(next.end.type).toBe("done");
    resumed.close();
  }, 30_000);

  it("facade and runtime both gone mid-turn: the resumed client gets one AGENT_UNAVAILABLE once the lease expires, and the session goes on", async () => {
    const doomed = await startFacade("facade-doomed-2");
    const runtime = stack.runtime(`default/${AGENT}`);
    const { client, sessionId } = await send(doomed.url, undefined, "lose this");
    const view = new TurnView();
    await readUntil(client, view, 3);
    await runtime.kill();
    doomed.process.kill("SIGKILL");
    await doomed.process.exited;
    const resumed = await resume(facades[1]?.url ?? "", sessionId, view.lastSeq);
    await readUntil(resumed, view, Number.MAX_SAFE_INTEGER, 10_000);
    expect(view.end).toMatchObject({ type: "error", error: { code: "AGENT_UNAVAILABLE" } });
    expect(view.seqs).toEqual(Array.from({ length: view.seqs.length }, (_, i) => 1 + i));
    await runtime.start();
    resumed.send({ type: "message", session_id: sessionId, content: "once more", metadata: { mock_scenario: "long" } });
    const next = await resumed.turn();
    expect(next.end).toMatchObject({ type: "done", content: LONG_ANSWER, seq: view.lastSeq + 41 });
    resumed.close();
  }, 30_000);

  it("redis-server killed and restarted mid-session: the turn in flight ends with an error, nothing done is lost, and everyone reconnects", async () => {
    const url = facades[0]?.url ?? "";
    const first = await send(url, undefined, "turn 1");
    const sessionId = first.sessionId;
    expect((await first.client.turn()).end.type).toBe("done");
    for (const content of ["turn 2", "turn 3"]) {
      first.client.send({ type: "message", session_id: sessionId, content, metadata: { mock_scenario: "long" } });
      expect((await first.client.turn()).end.type).toBe("done");
    }
    first.client.send({ type: "message", session_id: sessionId, content: "turn 4, cut by the outage", metadata: { mock_scenario: "long" } });
    await first.client.next("chunk");
    await redis.kill("SIGKILL");
    const cut = await first.client.turn(10_000);
    expect(cut.end).toMatchObject({ type: "error", error: { code: "AGENT_UNAVAILABLE" } });
    await redis.restart();

    // Everything reconnects by itself: a new message on the session is answered.
    const deadline = Date.now() + 20_000;
    let answered: ServerFrame | undefined;
    while (!answered) {
      first.client.send({ type: "message", session_id: sessionId, content: "after the restart", metadata: { mock_scenario: "long" } });
      // Until Redis is back, the message itself is refused (an error without turn_id).
      const end = await first.client.nextWhere((f): f is ServerFrame => f.type === "done" || f.type === "error", 10_000, "done or error");
      if (end.type === "done") answered = end;
      else if (Date.now() > deadline) throw new Error(`still failing after the restart: ${JSON.stringify(end)}`);
      else await new Promise((r) => setTimeout(r, 250));
    }
    const { conversation } = await store.loadConversation({ id: sessionId, agentName: AGENT, namespace: "default" });
    const users = conversation.messages.filter((m) => m.role === "user").map((m) => m.content);
    expect(users).toEqual(["turn 1", "turn 2", "turn 3", "after the restart"]);
    expect(conversation.messages.filter((m) => m.role === "assistant").every((m) => m.content === LONG_ANSWER)).toBe(true);
    first.client.close();
  }, 60_000);
});
