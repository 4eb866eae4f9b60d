// Runs the protocol conformance suite against the edge placement: the facade as a Worker in real
// workerd (Miniflare, configured from wrangler.toml), each session's socket in a Durable Object,
// the runtime as a real process reached over gRPC-web, turns journaled in a real redis-server
// through the Upstash REST API (a bridge, as no Upstash emulator exists). Also: a session begun
// at the edge continues on the Node facade and back, and resume crosses placements.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEdgeFacade, type EdgeFacadeServer } from "../../deploy/edge/edge-facade-server.js";
import { startLocalStack, type LocalStack } from "../../deploy/local/local-stack.js";
import { RedisSessionStore } from "../../shared/session/redis-session-store.js";
import { ProtocolClient } from "../helpers/protocol-client.js";
import { startRedis, type RedisServer } from "../helpers/redis-server.js";
import { startUpstashRestBridge, type UpstashRestBridge } from "../helpers/upstash-rest-bridge.js";
import { facadeWsUrl, storedHistory, type ConformanceTarget } from "./conformance-target.js";
import { describeProtocolConformance } from "./protocol-conformance.js";

const MANIFESTS = join(import.meta.dirname, "../fixtures/conformance");
const ALLOWED_ORIGIN = "https://chat.example";
const limits = { maxFrameBytes: 16 * 1024 * 1024, clientToolAckTimeoutMs: 800, clientToolTimeoutMs: 2_500, pongTimeoutMs: 1_000 };
const runtimeEnv = { OMNIA_MOCK_CHUNK_DELAY_MS: "25" };

let redis: RedisServer;
let bridge: UpstashRestBridge;
let stack: LocalStack;
let edge: EdgeFacadeServer;
let store: RedisSessionStore;
const stateDir = mkdtempSync(join(tmpdir(), "omnia-edge-conformance-"));

beforeAll(async () => {
  redis = await startRedis();
  bridge = await startUpstashRestBridge({ redisUrl: redis.url });
  store = new RedisSessionStore({ url: redis.url, ttlMs: 24 * 3_600_000 });
  // The Node facade of this stack shares the runtime and the Redis: the other placement.
  stack = await startLocalStack({ manifestsDir: MANIFESTS, port: 0, redisUrl: redis.url, stateDir, runtimeEnv });
  const runtime = stack.runtime("default/assistant");
  edge = await startEdgeFacade({
    port: 0,
    vars: {
      OMNIA_AGENT_NAME: "assistant",
      OMNIA_NAMESPACE: "default",
      OMNIA_RUNTIME_URL: `http://127.0.0.1:${runtime.grpcWebPort}`,
      OMNIA_BRIDGE_TOKEN: stack.bridgeToken,
      UPSTASH_REDIS_REST_URL: bridge.url,
      UPSTASH_REDIS_REST_TOKEN: bridge.token,
      OMNIA_ALLOWED_ORIGINS: ALLOWED_ORIGIN,
      OMNIA_CLIENT_TOOL_ACK_TIMEOUT: `${limits.clientToolAckTimeoutMs}ms`,
      OMNIA_CLIENT_TOOL_TIMEOUT: `${limits.clientToolTimeoutMs}ms`,
    },
  });
}, 90_000);

afterAll(async () => {
  await edge?.stop();
  await stack?.stop();
  await store?.close();
  await bridge?.close();
  await redis?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const wsUrl = facadeWsUrl;

const target: ConformanceTarget = {
  wsUrl: (query) => wsUrl(edge.url, query),
  httpUrl: (path) => new URL(path, edge.url).toString(),
  allowedOrigin: ALLOWED_ORIGIN,
  limits,
  killRuntime: () => stack.runtime("default/assistant").kill(),
  startRuntime: () => stack.runtime("default/assistant").start(),
  history: (sessionId) => storedHistory(store, sessionId),

};

describeProtocolConformance("edge", () => target, { severalAgents: false, keepalivePings: false });

describe("edge: Durable Object hibernation", () => {
  it("keeps a socket through its object's hibernation: the woken object serves it on the same session", async () => {
    const client = await ProtocolClient.connect(wsUrl(edge.url));
    const { session_id: sessionId } = await client.next("connected");
    client.send({ type: "message", session_id: sessionId, content: "before" });
    const before = await client.turn();
    // A new socket's object is named by its first session.
    await edge.hibernate(sessionId ?? "");
    client.send({ type: "message", session_id: sessionId, content: "after" });
    const after = await client.turn();
    expect(after.end).toMatchObject({ type: "done", session_id: sessionId });
    expect(after.frames.map((f) => f.type)).not.toContain("connected");
    const seqs = [...before.frames, ...after.frames].map((f) => ("seq" in f ? f.seq : undefined));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect((await target.history(sessionId ?? "")).filter((m) => m.role === "user").map((m) => m.content)).toEqual(["before", "after"]);
    client.close();
  });
});

describe("across placements", () => {
  const text = (frames: { type: string; content?: string }[]) => frames.map((f) => (f.type === "chunk" ? (f.content ?? "") : "")).join("");

  it("continues a session begun at the edge on the Node facade, and back, history intact", async () => {
    const atEdge = await ProtocolClient.connect(wsUrl(edge.url));
    const { session_id: sessionId } = await atEdge.next("connected");
    atEdge.send({ type: "message", session_id: sessionId, content: "first, at the edge" });
    const first = await atEdge.turn();
    atEdge.close();

    const inPod = await ProtocolClient.connect(wsUrl(stack.url));
    await inPod.next("connected");
    inPod.send({ type: "message", session_id: sessionId, content: "second, in the pod" });
    const second = await inPod.turn();
    expect(text(second.frames as never)).toBe("Turn two answer: foxtrot golf hotel india juliet.");
    inPod.close();

    const backAtEdge = await ProtocolClient.connect(wsUrl(edge.url));
    await backAtEdge.next("connected");
    backAtEdge.send({ type: "message", session_id: sessionId, content: "third, at the edge again" });
    const third = await backAtEdge.turn();
    expect(third.end.type).toBe("done");
    backAtEdge.close();

    const history = await target.history(sessionId ?? "");
    expect(history.filter((m) => m.role === "user").map((m) => m.content)).toEqual(["first, at the edge", "second, in the pod", "third, at the edge again"]);
    const seqs = [...first.frames, ...second.frames, ...third.frames].map((f) => ("seq" in f ? f.seq : undefined));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it("resumes on the Node facade a turn cut at the edge, and at the edge a turn cut in the pod", async () => {
    for (const [from, to] of [
      [edge.url, stack.url],
      [stack.url, edge.url],
    ] as const) {
      const client = await ProtocolClient.connect(wsUrl(from));
      const { session_id: sessionId } = await client.next("connected");
      client.send({ type: "message", session_id: sessionId, content: "long one", metadata: { mock_scenario: "long" } });
      const seen = [await client.next("chunk"), await client.next("chunk")];
      client.socket.terminate();
      const resumed = await ProtocolClient.connect(wsUrl(to, { resume: sessionId ?? "", after_seq: String(seen[1]?.seq) }));
      expect(await resumed.next("connected")).toMatchObject({ session_id: sessionId, connected: { resumed: true } });
      const rest = await resumed.turn();
      expect(rest.end.type).toBe("done");
      const all = [...seen, ...rest.frames];
      expect(all.map((f) => ("seq" in f ? f.seq : undefined))).toEqual(all.map((_, i) => i + 1));
      expect(rest.end.type === "done" && rest.end.content).toBe(text(all as never));
      resumed.close();
    }
  });
});
