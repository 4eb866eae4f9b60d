// `npm run bench`: load, paced latency and idle-connection figures for Omnia and a bare ws
// baseline, side by side, the load and paced latency of the edge placement (the same facade as a
// Worker in workerd, the runtime over gRPC-web) beside Omnia's Node sidecar, plus what the turn
// journal costs (Omnia's load with the journal off, in memory, in Redis) and how fast a dropped
// client resumes, and the runtime's own cost (time to first token through facade + runtime against
// the provider server called directly, a tool call through each adapter against the tool server
// called directly). Each phase gets freshly started targets, one target at a time so they never
// compete for the two cores. Not part of `npm test`: it takes minutes and its figures depend on
// the machine.
import { availableParallelism, cpus, release, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { type AuthCostResult, authCostSection, runAuthCost } from "./auth-cost.js";
import { type MediaCostResult, mediaCostSection, runMediaCost } from "./media-cost.js";
import { Cleanup } from "./cleanup.js";
import { runIdle } from "./idle-connections.js";
import { runLoad } from "./load.js";
import { type OperatorScaleResult, operatorSection, runOperatorScale } from "./operator-scale.js";
import { runPaced } from "./paced-latency.js";
import { printReport, type BenchParams, type BenchResults } from "./report.js";
import { runResume } from "./resume.js";
import { type RuntimeCostResult, runRuntimeCost, runtimeCostSection } from "./runtime-cost.js";
import { startTarget, type JournalMode, type Target, type TargetName } from "./targets.js";

const USAGE = `npm run bench -- [--sessions N] [--seconds S] [--latency-rate R] [--latency-seconds S]
                     [--latency-seed X] [--warmup S] [--idle M] [--batch B]
                     [--resume-sessions N] [--resume-concurrency C] [--resume-seed X] [--no-edge]
                     [--operator-agents N] [--runtime-turns N] [--runtime-tool-calls N]
                     [--no-runtime-cost] [--auth-upgrades N] [--media-upload-mib M] [--timeout S]
  --sessions         concurrent sessions in the load and paced latency phases (default 1000)
  --seconds          measured seconds of closed-loop load per target (default 10)
  --latency-rate     turns/s of all sessions together in the paced latency phase (default 100)
  --latency-seconds  measured seconds of paced latency per target (default 15)
  --latency-seed     seed of the paced schedule, the same for every target (default 1)
  --warmup           unmeasured seconds before each measured window (default 2)
  --idle             idle connections per target in the memory phase (default 10000)
  --batch            connections opened at a time (default 200)
  --resume-sessions  sessions that cut their socket mid-turn and resume, Redis journal (default 200)
  --resume-concurrency  of those, how many at a time (default 20)
  --resume-seed      seed of where each of them cuts (default 1)
  --no-edge          skip the edge placement (Worker in workerd through Miniflare): its load and
                     paced latency phases and the Worker bundle size
  --operator-agents  AgentRuntimes the operator reconciles from cold against the in-process
                     Kubernetes API server (default 1000; 0 skips the operator phase)
  --runtime-turns    turns on each path in the runtime cost phase: through facade + runtime with an
                     openai Provider, and straight to the local provider server (default 200)
  --runtime-tool-calls  tool calls per adapter on each path in the runtime cost phase: through the
                     runtime's ToolManager, and straight to the tool server (default 300)
  --no-runtime-cost  skip the runtime cost phase
  --auth-upgrades    WebSocket upgrades per auth method (open, API key, JWT, ticket) in the auth
                     phase (default 300; 0 skips it)
  --media-upload-mib size of each local-backend upload in the media phase, which also measures
                     presigned URLs/s per backend (default 64; 0 skips it)
  --timeout          hard limit for the whole run in seconds (default: computed, about 9 min)`;

const START_TIMEOUT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 15_000;
// Long: at 1000 sessions a saturated target answers each in seconds, and that is a figure, not a failure.
const TURN_TIMEOUT_MS = 30_000;
const IDLE_SETTLE_MS = 4_000;

// Starting the edge bundles the Worker and boots workerd: more than a Node process takes.
const EDGE_START_ALLOWANCE_S = 60;
// The runtime cost phase starts a facade, a runtime and two server-everything processes.
const RUNTIME_COST_ALLOWANCE_S = 60;
// The media phase: four backends presigning for MEDIA_PRESIGN_SECONDS each, a facade start, the uploads.
const MEDIA_PRESIGN_SECONDS = 2;
const MEDIA_UPLOADS = 5;
const MEDIA_COST_ALLOWANCE_S = 30;

// Module-wide so every way out, including an unexpected throw, stops what was started.
const cleanup = new Cleanup();

function parseParams(): { params: BenchParams; timeoutSeconds: number } {
  const { values } = parseArgs({
    allowNegative: true, // --no-edge, --no-runtime-cost
    options: {
      sessions: { type: "string", default: "1000" },
      seconds: { type: "string", default: "10" },
      "latency-rate": { type: "string", default: "100" },
      "latency-seconds": { type: "string", default: "15" },
      "latency-seed": { type: "string", default: "1" },
      warmup: { type: "string", default: "2" },
      idle: { type: "string", default: "10000" },
      batch: { type: "string", default: "200" },
      "resume-sessions": { type: "string", default: "200" },
      "resume-concurrency": { type: "string", default: "20" },
      "resume-seed": { type: "string", default: "1" },
      edge: { type: "boolean", default: true },
      "operator-agents": { type: "string", default: "1000" },
      "runtime-cost": { type: "boolean", default: true },
      "runtime-turns": { type: "string", default: "200" },
      "runtime-tool-calls": { type: "string", default: "300" },
      "auth-upgrades": { type: "string", default: "300" },
      "media-upload-mib": { type: "string", default: "64" },
      timeout: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, raw: string, min: number): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) {
      console.error(`--${name} must be an integer >= ${min} (got "${raw}")\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  const rate = Number(values["latency-rate"]);
  if (!Number.isFinite(rate) || rate <= 0) {
    console.error(`--latency-rate must be a number > 0 (got "${values["latency-rate"]}")\n${USAGE}`);
    process.exit(2);
  }
  const params: BenchParams = {
    sessions: int("sessions", values.sessions, 1),
    seconds: int("seconds", values.seconds, 1),
    latencyRate: rate,
    latencySeconds: int("latency-seconds", values["latency-seconds"], 1),
    latencySeed: int("latency-seed", values["latency-seed"], 0),
    warmupSeconds: int("warmup", values.warmup, 0),
    idle: int("idle", values.idle, 1),
    batch: int("batch", values.batch, 1),
    resumeSessions: int("resume-sessions", values["resume-sessions"], 1),
    resumeConcurrency: int("resume-concurrency", values["resume-concurrency"], 1),
    resumeSeed: int("resume-seed", values["resume-seed"], 0),
    edge: values.edge,
    operatorAgents: int("operator-agents", values["operator-agents"], 0),
    runtimeCost: values["runtime-cost"],
    runtimeTurns: int("runtime-turns", values["runtime-turns"], 1),
    runtimeToolCalls: int("runtime-tool-calls", values["runtime-tool-calls"], 1),
    authUpgrades: int("auth-upgrades", values["auth-upgrades"], 0),
    mediaUploadMiB: int("media-upload-mib", values["media-upload-mib"], 0),
  };
  // Starts, warm-ups, drains and connects, plus the measured time: generous, but always finite.
  // Five load phases (baseline; Omnia with the journal in memory, off, in Redis, off with Redis
  // sessions), two paced, two idle, one resume; with the edge, one more load and paced each.
  const loadAndPaced = params.edge ? 3 : 2;
  const computed =
    260 +
    (params.edge ? EDGE_START_ALLOWANCE_S : 0) +
    loadAndPaced * (2 * params.warmupSeconds + params.seconds + params.latencySeconds) +
    3 * (params.warmupSeconds + params.seconds) +
    Math.ceil(params.idle / 100) +
    Math.ceil(params.resumeSessions / 10) +
    Math.ceil(params.operatorAgents / 10) +
    Math.ceil(params.authUpgrades / 20) +
    (params.mediaUploadMiB > 0 ? MEDIA_COST_ALLOWANCE_S + Math.ceil((params.mediaUploadMiB * (MEDIA_UPLOADS + 1)) / 20) : 0) +
    (params.runtimeCost ? RUNTIME_COST_ALLOWANCE_S + Math.ceil(params.runtimeTurns / 10 + params.runtimeToolCalls / 25) : 0);
  return { params, timeoutSeconds: values.timeout ? int("timeout", values.timeout, 10) : computed };
}

async function main(): Promise<number> {
  const { params, timeoutSeconds } = parseParams();
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      cleanup.killAllNow();
      process.exit(130);
    }
    interrupted = true;
    console.error(`\nbench: ${signal}, stopping what it started (again to kill at once)`);
    void cleanup.all().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${timeoutSeconds} s, giving up`);
    void cleanup.all().finally(() => process.exit(1));
    setTimeout(() => {
      cleanup.killAllNow();
      process.exit(1);
    }, 15_000).unref();
  }, timeoutSeconds * 1000);
  watchdog.unref();

  const cpuList = cpus();
  const results: BenchResults = {
    params,
    machine: {
      cpus: availableParallelism(),
      cpuModel: cpuList[0]?.model ?? "unknown",
      node: process.version,
      platform: `${process.platform} ${release()}`,
      totalMemBytes: totalmem(),
    },
    load: {},
    latency: {},
    idle: {},
    journalLoad: {},
    sections: [],
    errors: [],
  };

  // Each phase runs on fresh processes so one phase's leftovers never show in the next figure.
  const phase = async (
    what: string,
    name: TargetName,
    body: (t: Target) => Promise<void>,
    journal: JournalMode = "memory",
    sessionsInRedis = journal === "redis",
  ) => {
    if (interrupted) return;
    console.error(`bench: ${what} on ${name}...`);
    let target: Target | undefined;
    try {
      target = await startTarget(name, cleanup, START_TIMEOUT_MS, journal, sessionsInRedis);
      await body(target);
    } catch (err) {
      const message = `${what} on ${name}: ${err instanceof Error ? err.message : String(err)}`;
      console.error(`bench: ${message}`);
      results.errors.push(message.split("\n")[0] ?? message); // the log tails went to stderr above
    } finally {
      await target?.stop();
    }
  };

  const load = (t: Target) =>
    runLoad({
      url: t.wsUrl,
      sessions: params.sessions,
      seconds: params.seconds,
      warmupSeconds: params.warmupSeconds,
      batch: params.batch,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      turnTimeoutMs: TURN_TIMEOUT_MS,
      processes: t.processes,
    });
  // The edge only when asked for (the default): the same load on the Worker in workerd, its
  // Worker bundle's size noted from the first start.
  const withEdge = (names: Array<"baseline" | "omnia">): TargetName[] => (params.edge ? [...names, "edge"] : names);
  const noteBundle = (t: Target) => {
    if (t.bundle) results.edgeBundle ??= t.bundle;
  };
  for (const name of withEdge(["baseline", "omnia"])) {
    await phase("load", name, async (t) => {
      noteBundle(t);
      results.load[name] = await load(t);
    });
  }
  // The cost of the turn journal: the same load on Omnia with it off and in Redis. Omnia's main
  // load figure above is the journal in memory (the default), so it is not measured twice. With
  // the journal in Redis the runtime keeps its sessions there too, so the journal's own share is
  // against the journal off with the runtime's sessions in Redis, measured as well.
  await phase("load (turn journal off)", "omnia", async (t) => void (results.journalLoad.off = await load(t)), "off");
  await phase("load (turn journal in Redis)", "omnia", async (t) => void (results.journalLoad.redis = await load(t)), "redis");
  await phase(
    "load (turn journal off, runtime sessions in Redis)",
    "omnia",
    async (t) => void (results.journalLoad.offRedisSessions = await load(t)),
    "off",
    true,
  );
  await phase(
    "resume (turn journal in Redis)",
    "omnia",
    async (t) => {
      results.resume = await runResume({
        url: t.wsUrl,
        sessions: params.resumeSessions,
        concurrency: params.resumeConcurrency,
        seed: params.resumeSeed,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        turnTimeoutMs: TURN_TIMEOUT_MS,
        processes: t.processes,
      });
    },
    "redis",
  );
  for (const name of withEdge(["baseline", "omnia"])) {
    await phase("paced latency", name, async (t) => {
      noteBundle(t);
      results.latency[name] = await runPaced({
        url: t.wsUrl,
        sessions: params.sessions,
        rate: params.latencyRate,
        warmupSeconds: params.warmupSeconds,
        seconds: params.latencySeconds,
        seed: params.latencySeed,
        batch: params.batch,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        turnTimeoutMs: TURN_TIMEOUT_MS,
        processes: t.processes,
      });
    });
  }
  for (const name of ["baseline", "omnia"] as const) {
    await phase("idle connections", name, async (t) => {
      results.idle[name] = await runIdle({
        url: t.wsUrl,
        count: params.idle,
        batch: params.batch,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
        settleMs: IDLE_SETTLE_MS,
        pid: t.holder.pid,
        others: t.processes.filter((p) => p.pid !== t.holder.pid),
      });
    });
  }

  if (params.operatorAgents > 0 && !interrupted) {
    console.error(`bench: operator, ${params.operatorAgents} AgentRuntimes from cold...`);
    let operator: OperatorScaleResult | undefined;
    try {
      operator = await runOperatorScale({ agents: params.operatorAgents, timeoutMs: params.operatorAgents * 100 + 30_000 });
    } catch (err) {
      results.errors.push(`operator: ${err instanceof Error ? err.message : String(err)}`);
    }
    results.sections.push(operatorSection(operator, params.operatorAgents));
  }

  if (params.runtimeCost && !interrupted) {
    console.error(`bench: runtime cost, ${params.runtimeTurns} turns and ${params.runtimeToolCalls} tool calls per adapter on each path...`);
    let runtime: RuntimeCostResult | undefined;
    try {
      runtime = await runRuntimeCost({ turns: params.runtimeTurns, toolCalls: params.runtimeToolCalls, cleanup });
    } catch (err) {
      results.errors.push(`runtime cost: ${err instanceof Error ? err.message : String(err)}`);
    }
    results.sections.push(runtimeCostSection(runtime, params.runtimeTurns, params.runtimeToolCalls));
  }

  if (params.authUpgrades > 0 && !interrupted) {
    console.error(`bench: auth, ${params.authUpgrades} upgrades per method...`);
    let auth: AuthCostResult | undefined;
    try {
      auth = await runAuthCost({ upgrades: params.authUpgrades });
    } catch (err) {
      results.errors.push(`auth: ${err instanceof Error ? err.message : String(err)}`);
    }
    results.sections.push(authCostSection(auth, params.authUpgrades));
  }

  if (params.mediaUploadMiB > 0 && !interrupted) {
    const shape = { uploadMiB: params.mediaUploadMiB, uploads: MEDIA_UPLOADS };
    console.error(`bench: media, presign rate per backend and ${MEDIA_UPLOADS} x ${params.mediaUploadMiB} MiB local uploads...`);
    let media: MediaCostResult | undefined;
    try {
      media = await runMediaCost({ ...shape, presignSeconds: MEDIA_PRESIGN_SECONDS, cleanup });
    } catch (err) {
      results.errors.push(`media: ${err instanceof Error ? err.message : String(err)}`);
    }
    results.sections.push(mediaCostSection(media, shape));
  }

  await cleanup.all();
  clearTimeout(watchdog);
  if (interrupted) return 130;
  printReport(results);
  // A missed target is a finding, not a failure; a phase that could not run is.
  return results.errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error("bench failed:", err);
    void cleanup.all().finally(() => process.exit(1));
  },
);
