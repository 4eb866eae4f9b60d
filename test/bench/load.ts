// Load phase (closed loop): N sessions, each running turns back to back (one in flight per
// connection, as the protocol allows), measured over a window after a warm-up so JIT and
// connection set-up are out. Both targets run saturated, so its latency is sessions / throughput;
// paced-latency.ts measures latency at a fixed rate.
import { BenchSocket, closeAll, openMany } from "./bench-socket.js";
import { cpuCoresBetween, readCpu } from "./proc-status.js";
import { summarize, type Summary } from "./stats.js";

export interface LoadOptions {
  url: string;
  sessions: number;
  seconds: number;
  warmupSeconds: number;
  batch: number;
  connectTimeoutMs: number;
  turnTimeoutMs: number;
  /** Processes whose CPU use is reported, so a reader can tell who was the bottleneck. */
  processes: Array<{ name: string; pid: number }>;
}

export interface LoadResult {
  sessions: number;
  openSeconds: number;
  /** At least the requested warm-up, longer when the first turns took longer. */
  warmupSeconds: number;
  windowSeconds: number;
  turns: number;
  turnsPerSecond: number;
  frames: number;
  framesPerSecond: number;
  framesPerTurn: number;
  latencyMs: Summary;
  failures: number;
  failureReasons: Record<string, number>;
  /** Cores each process used during the window (1 = one full core), the whole machine, and the rest. */
  cpuCores: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const totalFrames = (sockets: BenchSocket[]) => sockets.reduce((sum, s) => sum + s.frames, 0);

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const openStart = performance.now();
  const { sockets, failures: connectFailures } = await openMany(o.url, o.sessions, o.batch, o.connectTimeoutMs);
  const openSeconds = (performance.now() - openStart) / 1000;
  const failureReasons = new Map<string, number>();
  for (const [why, n] of connectFailures) failureReasons.set(`connect: ${why}`, n);
  const fail = (why: string) => failureReasons.set(why, (failureReasons.get(why) ?? 0) + 1);

  let running = true;
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  const latencies: number[] = [];
  let turns = 0;
  let turnFrames = 0;

  let warmedUp = 0; // sessions that have finished their first turn
  const loops = sockets.map(async (socket) => {
    let first = true;
    while (running && !socket.closed) {
      const start = performance.now();
      const outcome = await socket.runTurn(o.turnTimeoutMs);
      const end = performance.now();
      if (first) {
        first = false;
        warmedUp++;
      }
      if (!outcome.ok) {
        fail(outcome.reason);
        // A timed-out turn may still be running server-side; a new message would only be refused.
        if (outcome.reason === "timeout" || outcome.reason === "closed") return;
        continue;
      }
      if (end >= windowStart && end <= windowEnd) {
        turns++;
        turnFrames += outcome.chunks + 1;
      }
      // Latency of every turn started in the window, including those that end while draining:
      // dropping those would drop the slowest turns and flatter the p99.
      if (start >= windowStart && start <= windowEnd) latencies.push(outcome.latencyMs);
    }
  });

  // The first turns of all sessions start in one burst; measure only once that burst is over.
  const warmupStart = performance.now();
  await sleep(o.warmupSeconds * 1000);
  while (warmedUp < sockets.length && performance.now() - warmupStart < o.turnTimeoutMs) await sleep(50);
  const cpuBefore = readCpu(o.processes);
  const framesBefore = totalFrames(sockets);
  windowStart = performance.now();
  const warmupSeconds = (windowStart - warmupStart) / 1000;
  await sleep(o.seconds * 1000);
  windowEnd = performance.now();
  const frames = totalFrames(sockets) - framesBefore;
  const cpuAfter = readCpu(o.processes);
  running = false;
  await Promise.all(loops); // each ends within one turn timeout; latencies still being recorded
  await closeAll(sockets);

  const windowSeconds = (windowEnd - windowStart) / 1000;
  return {
    sessions: sockets.length,
    openSeconds,
    warmupSeconds,
    windowSeconds,
    turns,
    turnsPerSecond: turns / windowSeconds,
    frames,
    framesPerSecond: frames / windowSeconds,
    framesPerTurn: turns > 0 ? turnFrames / turns : Number.NaN,
    latencyMs: summarize(latencies),
    failures: [...failureReasons.values()].reduce((a, b) => a + b, 0),
    failureReasons: Object.fromEntries(failureReasons),
    cpuCores: cpuCoresBetween(cpuBefore, cpuAfter, windowSeconds),
  };
}
