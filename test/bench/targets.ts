// Starts the two targets as child processes: Omnia (real runtime with the mock provider plus the
// real Node facade) and the bare `ws` baseline. Each start is fresh, in its own temp dir.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOmniaProcess, waitForHttpOk, type OmniaProcess } from "../../deploy/local/child-process.js";
import { freePort } from "../../shared/net/free-port.js";
import { BenchSocket } from "./bench-socket.js";
import type { Cleanup } from "./cleanup.js";
import { GC_ON_SIGNAL_NODE_OPTIONS } from "./proc-status.js";
import { writeBenchAgent } from "./workload.js";

export type TargetName = "omnia" | "baseline";

export interface Target {
  name: TargetName;
  wsUrl: string;
  /** The process that holds the server side of the client sockets. */
  holder: { name: string; pid: number };
  processes: Array<{ name: string; pid: number }>;
  stop(): Promise<void>;
}

// Extra Node flags for the targets only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where
// their time goes; the GC hook the idle phase needs is always there.
const TARGET_NODE_OPTIONS = [GC_ON_SIGNAL_NODE_OPTIONS, process.env.BENCH_TARGET_NODE_OPTIONS ?? ""].join(" ").trim();


export function startTarget(name: TargetName, cleanup: Cleanup, startTimeoutMs: number): Promise<Target> {
  return name === "omnia" ? startOmnia(cleanup, startTimeoutMs) : startBaseline(cleanup, startTimeoutMs);
}

async function startOmnia(cleanup: Cleanup, startTimeoutMs: number): Promise<Target> {
  const dir = cleanup.dir(mkdtempSync(join(tmpdir(), "omnia-bench-")));
  const agentEnv = writeBenchAgent(dir);
  const [grpcPort, healthPort, port] = await distinctPorts(3);
  const common = { OMNIA_AGENT_NAME: "bench", OMNIA_NAMESPACE: "default", LOG_LEVEL: "warn", NODE_OPTIONS: TARGET_NODE_OPTIONS };
  const logDir = join(dir, "logs");
  const runtime = cleanup.process(
    startOmniaProcess({
      name: "runtime",
      entry: "runtime/main.ts",
      logDir,
      env: {
        ...common,
        ...agentEnv,
        OMNIA_GRPC_PORT: String(grpcPort),
        OMNIA_HEALTH_PORT: String(healthPort),
      },
    }),
  );
  const facade = cleanup.process(
    startOmniaProcess({
      name: "facade",
      entry: "facade/node/main.ts",
      logDir,
      env: {
        ...common,
        OMNIA_RUNTIME_ADDRESS: `127.0.0.1:${grpcPort}`,
        PORT: String(port),
        // Limits far above the load so the bench measures throughput, not the rate limiter.
        OMNIA_RATE_LIMIT: "100000",
        OMNIA_RATE_BURST: "100000",
        OMNIA_MAX_CONNECTIONS: "50000",
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
    throw new Error(`Omnia did not start: ${(err as Error).message}\n${logTails(procs)}`);
  }
  return target("omnia", wsUrl, facade, procs, cleanup, dir);
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
