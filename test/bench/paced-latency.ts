// Paced latency phase: N sessions open at once, each sending a turn at jittered intervals so that
// together they send a fixed rate far below either target's capacity. Neither target is
// saturated, so the latency is what a turn costs at that concurrency, not a queue: Omnia's minus
// the baseline's is what Omnia adds per turn. Both targets get the same seeded schedule.
import { BenchSocket, closeAll, openMany } from "./bench-socket.js";
import { cpuCoresBetween, readCpu } from "./proc-status.js";
import { pacedSchedule } from "./schedule.js";
import { summarize, type Summary } from "./stats.js";

export interface PacedOptions {
  url: string;
  sessions: number;
  /** Turns per second, all sessions together. */
  rate: number;
  warmupSeconds: number;
  seconds: number;
  seed: number;
  batch: number;
  connectTimeoutMs: number;
  turnTimeoutMs: number;
  processes: Array<{ name: string; pid: number }>;
}

export interface PacedResult {
  sessions: number;
  openSeconds: number;
  /** Turns run back to back on separate connections before the sessions open (JIT warm-up). */
  jitWarmupTurns: number;
  warmupSeconds: number;
  windowSeconds: number;
  rate: number;
  /** Turns the schedule puts in the measured window, and that rate. */
  scheduledTurns: number;
  offeredTurnsPerSecond: number;
  /** Turns of the window that ended with `done`: the latency samples. */
  turns: number;
  /** Message sent -> `done` received. */
  latencyMs: Summary;
  /** Message sent -> first `chunk` received. */
  firstChunkMs: Summary;
  /**
   * Actual send time - scheduled send time: large values mean the client did not keep the pace.
   * Node timers have 1 ms granularity, so it can be slightly negative.
   */
  sendLagMs: Summary;
  /** Window turns sent late because the session's previous turn was still running. */
  delayedSends: number;
  failures: number;
  failureReasons: Record<string, number>;
  cpuCores: Record<string, number>;
}

// A fresh target has not compiled its hot paths yet; a short closed-loop burst on connections of
// its own does that, so the paced turns (a few hundred in the warm-up) do not measure the JIT.
const JIT_WARMUP_CONNECTIONS = 50;
const JIT_WARMUP_TURNS_EACH = 20;
const QUIET_AFTER_JIT_WARMUP_MS = 1_000;
// Time to arm every session's first timer before the schedule starts.
const SCHEDULE_LEAD_MS = 200;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sleepUntil = (t: number) => sleep(Math.max(0, t - performance.now()));

export async function runPaced(o: PacedOptions): Promise<PacedResult> {
  const failureReasons = new Map<string, number>();
  const fail = (why: string) => failureReasons.set(why, (failureReasons.get(why) ?? 0) + 1);

  const warm = await openMany(o.url, JIT_WARMUP_CONNECTIONS, o.batch, o.connectTimeoutMs);
  for (const [why, n] of warm.failures) failureReasons.set(`warm-up connect: ${why}`, n);
  let jitWarmupTurns = 0;
  await Promise.all(
    warm.sockets.map(async (socket) => {
      for (let i = 0; i < JIT_WARMUP_TURNS_EACH; i++) {
        const outcome = await socket.runTurn(o.turnTimeoutMs);
        if (!outcome.ok) return fail(`warm-up: ${outcome.reason}`);
        jitWarmupTurns++;
      }
    }),
  );
  await closeAll(warm.sockets);
  await sleep(QUIET_AFTER_JIT_WARMUP_MS);

  const openStart = performance.now();
  const { sockets, failures: connectFailures } = await openMany(o.url, o.sessions, o.batch, o.connectTimeoutMs);
  const openSeconds = (performance.now() - openStart) / 1000;
  for (const [why, n] of connectFailures) failureReasons.set(`connect: ${why}`, n);

  // Session i always gets the same times, whatever the target; the schedule ends with the window.
  const schedule = pacedSchedule(o.sessions, o.rate, o.warmupSeconds + o.seconds, o.seed).slice(0, sockets.length);
  const windowFrom = o.warmupSeconds * 1000;
  const scheduledTurns = schedule.reduce((n, times) => n + times.filter((t) => t >= windowFrom).length, 0);

  const latencies: number[] = [];
  const firstChunks: number[] = [];
  const lags: number[] = [];
  let delayedSends = 0;
  const t0 = performance.now() + SCHEDULE_LEAD_MS;
  const loops = sockets.map(async (socket: BenchSocket, i) => {
    for (const at of schedule[i] ?? []) {
      const due = t0 + at;
      const measured = at >= windowFrom;
      if (measured && performance.now() > due) delayedSends++;
      await sleepUntil(due);
      const sent = performance.now();
      const outcome = await socket.runTurn(o.turnTimeoutMs);
      if (!outcome.ok) {
        fail(outcome.reason);
        // A timed-out turn may still be running server-side; a new message would only be refused.
        if (outcome.reason === "timeout" || outcome.reason === "closed") return;
        continue;
      }
      if (!measured) continue;
      latencies.push(outcome.latencyMs);
      if (Number.isFinite(outcome.firstChunkMs)) firstChunks.push(outcome.firstChunkMs);
      lags.push(sent - due);
    }
  });

  await sleepUntil(t0 + windowFrom);
  const cpuBefore = readCpu(o.processes);
  const windowStart = performance.now();
  await sleepUntil(t0 + windowFrom + o.seconds * 1000);
  const cpuAfter = readCpu(o.processes);
  const windowSeconds = (performance.now() - windowStart) / 1000;
  await Promise.all(loops); // the last scheduled turns end within one turn timeout
  await closeAll(sockets);

  return {
    sessions: sockets.length,
    openSeconds,
    jitWarmupTurns,
    warmupSeconds: o.warmupSeconds,
    windowSeconds,
    rate: o.rate,
    scheduledTurns,
    offeredTurnsPerSecond: scheduledTurns / o.seconds,
    turns: latencies.length,
    latencyMs: summarize(latencies),
    firstChunkMs: summarize(firstChunks),
    sendLagMs: summarize(lags),
    delayedSends,
    failures: [...failureReasons.values()].reduce((a, b) => a + b, 0),
    failureReasons: Object.fromEntries(failureReasons),
    cpuCores: cpuCoresBetween(cpuBefore, cpuAfter, windowSeconds),
  };
}
