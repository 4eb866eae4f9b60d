// Starts the targets as child processes: Omnia (real runtime with the mock provider plus the real
// Node facade), the bare `ws` baseline, and the edge placement (the same runtime with its gRPC-web
// bridge, plus the facade as a Worker in workerd through Miniflare, in edge-host.ts). Each start
// is fresh, in its own temp dir. Omnia
// runs with its turn journal off, in the facade's memory (the default), or in a redis-server
// started for it alone (facade and runtime both pointed at it); and, to tell the journal's cost
// from the session store's, with the journal off and only the runtime's sessions in Redis.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOmniaProcess, waitForHttpOk, type OmniaProcess } from "../../deploy/local/child-process.js";
import { freePort } from "../../shared/net/free-port.js";
import { startRedis } from "../helpers/redis-server.js";
import { BenchSocket } from "./bench-socket.js";
import type { Cleanup } from "./cleanup.js";
import { childPids, GC_ON_SIGNAL_NODE_OPTIONS } from "./proc-status.js";
import { writeBenchAgent } from "./workload.js";

export type TargetName = "omnia" | "baseline" | "edge";
/** Where Omnia's facade keeps the turn journal (OMNIA_TURN_JOURNAL, OMNIA_REDIS_URL). */
export type JournalMode = "off" | "memory" | "redis";

export interface Target {
  name: TargetName;
  wsUrl: string;
  /** The process that holds the server side of the client sockets. */
  holder: { name: string; pid: number };
  processes: Array<{ name: string; pid: number }>;
  /** The edge only: the Worker bundle workerd runs (esbuild, minified), raw and gzipped. */
  bundle?: { bytes: number; gzipBytes: number };
  stop(): Promise<void>;
}

// Extra Node flags for the targets only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where
// their time goes; the GC hook the idle phase needs is always there.
const TARGET_NODE_OPTIONS = [GC_ON_SIGNAL_NODE_OPTIONS, process.env.BENCH_TARGET_NODE_OPTIONS ?? ""].join(" ").trim();


/**
 * journal: Omnia's turn journal. sessionsInRedis: the runtime keeps its sessions in the same
 * redis-server (always so when the journal is in Redis, as a deployment would run it).
 */
export function startTarget(
  name: TargetName,
  cleanup: Cleanup,
  startTimeoutMs: number,
  journal: JournalMode = "memory",
  sessionsInRedis = journal === "redis",
): Promise<Target> {
  if (name === "edge") return startEdge(cleanup, startTimeoutMs);
  return name === "omnia" ? startOmnia(cleanup, startTimeoutMs, journal, sessionsInRedis || journal === "redis") : startBaseline(cleanup, startTimeoutMs);
}

const BENCH_PROCESS_ENV = { OMNIA_AGENT_NAME: "bench", OMNIA_NAMESPACE: "default", LOG_LEVEL: "warn", NODE_OPTIONS: TARGET_NODE_OPTIONS };
// Limits far above the load, so the bench measures throughput, not the rate limiter.
const UNLIMITED = { OMNIA_RATE_LIMIT: "100000", OMNIA_RATE_BURST: "100000" };

/** The bench agent's runtime process, as every Omnia placement runs it. */
function startBenchRuntime(cleanup: Cleanup, logDir: string, agentEnv: Record<string, string>, env: Record<string, string>): OmniaProcess {
  return cleanup.process(startOmniaProcess({ name: "runtime", entry: "runtime/main.ts", logDir, env: { ...BENCH_PROCESS_ENV, ...agentEnv, ...env } }));
}

async function startOmnia(cleanup: Cleanup, startTimeoutMs: number, journal: JournalMode, sessionsInRedis: boolean): Promise<Target> {
  const dir = cleanup.dir(mkdtempSync(join(tmpdir(), "omnia-bench-")));
  const agentEnv = writeBenchAgent(dir);
  let stopRedis: (() => Promise<void>) | undefined;
  let redis: { name: string; pid: number } | undefined;
  const common = BENCH_PROCESS_ENV;
  const runtimeRedis: Record<string, string> = {};
  const facadeRedis: Record<string, string> = {};
  if (sessionsInRedis) {
    // Before the ports below: startRedis takes its own free port.
    const server = await startRedis();
    stopRedis = cleanup.stopper(() => server.stop());
    redis = { name: "redis", pid: server.pid };
    // The runtime keeps its sessions there (and can finish a dead facade's turns); the facade
    // journals there when the journal is in Redis.
    runtimeRedis.OMNIA_REDIS_URL = server.url;
    if (journal === "redis") facadeRedis.OMNIA_REDIS_URL = server.url;
  }
  const [grpcPort, healthPort, port] = await distinctPorts(3);
  const logDir = join(dir, "logs");
  const runtime = startBenchRuntime(cleanup, logDir, agentEnv, { ...runtimeRedis, OMNIA_GRPC_PORT: String(grpcPort), OMNIA_HEALTH_PORT: String(healthPort) });
  const facade = cleanup.process(
    startOmniaProcess({
      name: "facade",
      entry: "facade/node/main.ts",
      logDir,
      env: {
        ...common,
        ...facadeRedis,
        OMNIA_RUNTIME_ADDRESS: `127.0.0.1:${grpcPort}`,
        PORT: String(port),
        ...UNLIMITED,
        OMNIA_MAX_CONNECTIONS: "50000",
        OMNIA_TURN_JOURNAL: journal === "off" ? "off" : "on",
      },
    }),
  );
  const procs = [runtime, facade];
  const wsUrl = `ws://127.0.0.1:${port}/ws`;
  try {
    const died = Promise.race(procs.map((p) => p.exited));
    await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, startTimeoutMs, died);
    await waitForSession(wsUrl, startTimeoutMs);
  } catch (err) {
    await cleanup.stop(procs);
    await stopRedis?.();
    throw new Error(`Omnia did not start: ${(err as Error).message}\n${logTails(procs)}`);
  }
  const t = target("omnia", wsUrl, facade, procs, cleanup, dir);
  if (!redis || !stopRedis) return t;
  const stopServer = stopRedis;
  return {
    ...t,
    processes: [...t.processes, redis],
    async stop() {
      await t.stop(); // facade and runtime first: they would only log a lost Redis
      await stopServer();
    },
  };
}

/**
 * The edge placement: the runtime as for Omnia, with its gRPC-web bridge on loopback behind a
 * bearer token (as startLocalRuntimes runs it), and the edge facade (startEdgeFacade: the Worker
 * bundled by esbuild, in workerd through Miniflare) pointed at it. No Upstash: each session's
 * turn journal lives in its Durable Object's isolate. Miniflare's Node side runs in edge-host.ts,
 * a process of its own, and workerd is its child; both are measured, workerd holds the sockets.
 */
async function startEdge(cleanup: Cleanup, startTimeoutMs: number): Promise<Target> {
  const dir = cleanup.dir(mkdtempSync(join(tmpdir(), "omnia-bench-edge-")));
  const agentEnv = writeBenchAgent(dir);
  const bridgeToken = randomBytes(24).toString("base64url");
  const [grpcPort, healthPort, grpcWebPort, port] = await distinctPorts(4);
  const logDir = join(dir, "logs");
  const runtime = startBenchRuntime(cleanup, logDir, agentEnv, {
    OMNIA_GRPC_HOST: "127.0.0.1",
    OMNIA_GRPC_PORT: String(grpcPort),
    OMNIA_HEALTH_PORT: String(healthPort),
    OMNIA_GRPC_WEB_HOST: "127.0.0.1",
    OMNIA_GRPC_WEB_PORT: String(grpcWebPort),
    OMNIA_BRIDGE_TOKEN: bridgeToken,
  });
  const procs: OmniaProcess[] = [runtime];
  let workerd: number | undefined;
  const stopAll = async () => {
    // The facade first (its host disposes of workerd), then what it may have left, then the runtime.
    if (procs[1]) await cleanup.stop([procs[1]]);
    if (workerd !== undefined) await cleanup.killGrandchild(workerd);
    await cleanup.stop([runtime]);
  };
  const wsUrl = `ws://127.0.0.1:${port}/ws`;
  let bundle: { bytes: number; gzipBytes: number };
  try {
    await waitForHttpOk(`http://127.0.0.1:${healthPort}/readyz`, startTimeoutMs, runtime.exited);
    const host = cleanup.process(
      startOmniaProcess({
        name: "edge-host",
        entry: "test/bench/edge-host.ts",
        logDir,
        env: {
          BENCH_EDGE_PORT: String(port),
          BENCH_EDGE_VARS: JSON.stringify({
            OMNIA_AGENT_NAME: "bench",
            OMNIA_NAMESPACE: "default",
            OMNIA_RUNTIME_URL: `http://127.0.0.1:${grpcWebPort}`,
            OMNIA_BRIDGE_TOKEN: bridgeToken,
            ...UNLIMITED,
          }),
        },
      }),
    );
    procs.push(host);
    const ready = await edgeReady(host, startTimeoutMs, Promise.race(procs.map((p) => p.exited)));
    bundle = { bytes: ready.bundleBytes, gzipBytes: ready.gzipBytes };
    const found = childPids(host.pid, "workerd");
    if (found.length !== 1 || found[0] === undefined) throw new Error(`expected one workerd child of the edge host (pid ${host.pid}), found ${found.length}`);
    workerd = found[0];
    cleanup.grandchild(workerd, "workerd");
    await waitForSession(wsUrl, startTimeoutMs, Promise.race(procs.map((p) => p.exited)));
  } catch (err) {
    const tails = logTails(procs);
    await stopAll();
    throw new Error(`the edge placement did not start: ${(err as Error).message}\n${tails}`);
  }
  const host = procs[1] as OmniaProcess;
  return {
    name: "edge",
    wsUrl,
    holder: { name: "workerd", pid: workerd },
    processes: [
      { name: "runtime", pid: runtime.pid },
      { name: "edge_host", pid: host.pid },
      { name: "workerd", pid: workerd },
    ],
    bundle,
    async stop() {
      await stopAll();
      cleanup.removeDir(dir);
    },
  };
}

/** The edge host's `EDGE_READY {...}` line: workerd serves, and how big the Worker bundle is. */
function edgeReady(
  host: OmniaProcess,
  timeoutMs: number,
  died: Promise<unknown>,
): Promise<{ url: string; port: number; bundleBytes: number; gzipBytes: number }> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      const m = /^EDGE_READY (\{.*\})$/m.exec(seen);
      if (!m?.[1]) return;
      done();
      resolve(JSON.parse(m[1]) as { url: string; port: number; bundleBytes: number; gzipBytes: number });
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no EDGE_READY from the edge host within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      host.child.stdout?.off("data", onData);
    };
    host.child.stdout?.on("data", onData);
    void died.then(() => {
      done();
      reject(new Error("a process of the edge placement exited during start-up"));
    });
  });
}

async function startBaseline(cleanup: Cleanup, startTimeoutMs: number): Promise<Target> {
  const dir = cleanup.dir(mkdtempSync(join(tmpdir(), "omnia-bench-baseline-")));
  const [port] = await distinctPorts(1);
  const server = cleanup.process(
    startOmniaProcess({
      name: "baseline",
      entry: "test/bench/bare-ws-server.ts",
      logDir: join(dir, "logs"),
      env: { BENCH_PORT: String(port), NODE_OPTIONS: TARGET_NODE_OPTIONS },
    }),
  );
  const wsUrl = `ws://127.0.0.1:${port}/ws`;
  try {
    await waitForSession(wsUrl, startTimeoutMs, server.exited);
  } catch (err) {
    await cleanup.stop([server]);
    throw new Error(`the baseline did not start: ${(err as Error).message}\n${logTails([server])}`);
  }
  return target("baseline", wsUrl, server, [server], cleanup, dir);
}

function target(name: TargetName, wsUrl: string, holder: OmniaProcess, procs: OmniaProcess[], cleanup: Cleanup, dir: string): Target {
  return {
    name,
    wsUrl,
    holder: { name: holder.name, pid: holder.pid },
    processes: procs.map((p) => ({ name: p.name, pid: p.pid })),
    async stop() {
      await cleanup.stop(procs);
      cleanup.removeDir(dir);
    },
  };
}

/** Ready means a client gets its `connected` frame, the one thing every phase relies on. */
async function waitForSession(url: string, timeoutMs: number, died?: Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void died?.then(() => (dead = true));
  let last = "";
  while (Date.now() < deadline && !dead) {
    try {
      const socket = await BenchSocket.open(url, 2_000);
      await socket.close();
      return;
    } catch (err) {
      last = (err as Error).message;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(dead ? `the process behind ${url} exited` : `no session on ${url} within ${timeoutMs} ms (last: ${last})`);
}

async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) {
    const port = await freePort();
    if (port <= 0) throw new Error("no free port from the kernel");
    ports.add(port);
  }
  return [...ports];
}

function logTails(procs: OmniaProcess[]): string {
  return procs
    .map((p) => {
      let text = "";
      try {
        text = readFileSync(p.logFile, "utf8");
      } catch {
        text = "(no log)";
      }
      return `--- ${p.name} log (last lines) ---\n${text.split("\n").slice(-25).join("\n")}`;
    })
    .join("\n");
}
