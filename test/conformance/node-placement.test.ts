// Runs the protocol conformance suite against the in-pod placement: the Node facade and the
// runtimes as real processes over gRPC on loopback, sessions in a real redis-server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startLocalStack, type LocalStack } from "../../deploy/local/local-stack.js";
import { RedisSessionStore } from "../../shared/session/redis-session-store.js";
import { startRedis } from "../helpers/redis-server.js";
import { facadeWsUrl, storedHistory, type ConformanceTarget, type DrainTarget } from "./conformance-target.js";
import { describeProtocolConformance } from "./protocol-conformance.js";

const MANIFESTS = join(import.meta.dirname, "../fixtures/conformance");
const ALLOWED_ORIGIN = "https://chat.example";
const limits = { maxFrameBytes: 16 * 1024 * 1024, clientToolAckTimeoutMs: 800, clientToolTimeoutMs: 2_500, pongTimeoutMs: 1_000 };
const facadeEnv = {
  OMNIA_ALLOWED_ORIGINS: ALLOWED_ORIGIN,
  OMNIA_CLIENT_TOOL_ACK_TIMEOUT: `${limits.clientToolAckTimeoutMs}ms`,
  OMNIA_CLIENT_TOOL_TIMEOUT: `${limits.clientToolTimeoutMs}ms`,
  OMNIA_PING_INTERVAL: "300ms",
  OMNIA_PONG_TIMEOUT: `${limits.pongTimeoutMs}ms`,
  OMNIA_DRAIN_TIMEOUT: "20s",
};
// Slow enough that a test can act in the middle of a turn, fast enough to keep the suite short.
const runtimeEnv = { OMNIA_MOCK_CHUNK_DELAY_MS: "25" };

let redis: Awaited<ReturnType<typeof startRedis>>;
let stack: LocalStack;
let store: RedisSessionStore;
const stateDirs: string[] = [];
const drainStacks: LocalStack[] = [];

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "omnia-conformance-"));
  stateDirs.push(dir);
  return dir;
}

beforeAll(async () => {
  redis = await startRedis();
  store = new RedisSessionStore({ url: redis.url, ttlMs: 24 * 3_600_000 });
  stack = await startLocalStack({ manifestsDir: MANIFESTS, port: 0, redisUrl: redis.url, stateDir: stateDir(), facadeEnv, runtimeEnv });
}, 60_000);

afterAll(async () => {
  await Promise.all([stack?.stop(), ...drainStacks.map((s) => s.stop())]);
  await store?.close();
  await redis?.stop();
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

const wsUrl = facadeWsUrl;

const target: ConformanceTarget = {
  wsUrl: (query) => wsUrl(stack.url, query),
  httpUrl: (path) => new URL(path, stack.url).toString(),
  allowedOrigin: ALLOWED_ORIGIN,
  limits,
  killRuntime: () => stack.runtime("default/assistant").kill(),
  startRuntime: () => stack.runtime("default/assistant").start(),
  history: (sessionId) => storedHistory(store, sessionId),

};

async function drainTarget(): Promise<DrainTarget> {
  const own = await startLocalStack({ manifestsDir: MANIFESTS, port: 0, redisUrl: redis.url, stateDir: stateDir(), facadeEnv, runtimeEnv });
  drainStacks.push(own);
  return {
    wsUrl: (query) => wsUrl(own.url, query),
    httpUrl: (path) => new URL(path, own.url).toString(),
    terminate: async () => {
      own.facade.kill("SIGTERM");
      return own.facade.exited;
    },
  };
}

describeProtocolConformance("node sidecar", () => target, { severalAgents: true, keepalivePings: true, drainTarget });
