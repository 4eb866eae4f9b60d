// The printed result: an aligned table (Omnia | baseline | ratio, and edge | edge/Omnia when the
// edge placement ran), the turn journal's cost (Omnia's
// load with the journal off | in memory | in Redis) and the resume figures, the four targets with
// met / NOT met, and one BENCH_JSON line for machines. A missed target is reported, never an exit code.
import type { IdleResult } from "./idle-connections.js";
import type { LoadResult } from "./load.js";
import type { PacedResult } from "./paced-latency.js";
import type { ResumeResult } from "./resume.js";
import type { BenchSection } from "./section.js";
import { round, type Summary } from "./stats.js";

export interface BenchParams {
  sessions: number;
  seconds: number;
  latencyRate: number;
  latencySeconds: number;
  latencySeed: number;
  warmupSeconds: number;
  idle: number;
  batch: number;
  resumeSessions: number;
  resumeConcurrency: number;
  resumeSeed: number;
  /** The edge placement's phases run (no --no-edge). */
  edge: boolean;
  /** AgentRuntimes in the operator phase (0: skipped). */
  operatorAgents: number;
  /** The runtime cost phase runs (no --no-runtime-cost): turns and tool calls per adapter on each path. */
  runtimeCost: boolean;
  runtimeTurns: number;
  runtimeToolCalls: number;
  /** Upgrades per method in the auth phase (0: skipped). */
  authUpgrades: number;
  /** MiB per upload in the media phase (0: skipped). */
  mediaUploadMiB: number;
}

export interface BenchResults {
  params: BenchParams;
  machine: Record<string, string | number>;
  load: { omnia?: LoadResult; baseline?: LoadResult; edge?: LoadResult };
  latency: { omnia?: PacedResult; baseline?: PacedResult; edge?: PacedResult };
  /** The Worker bundle the edge placement ran (esbuild, minified), raw and gzipped. */
  edgeBundle?: { bytes: number; gzipBytes: number };
  idle: { omnia?: IdleResult; baseline?: IdleResult };
  /**
   * Omnia's load phase with the turn journal off, in Redis (runtime sessions there too), and off
   * with the runtime's sessions in Redis; the journal in memory is `load.omnia`.
   */
  journalLoad: { off?: LoadResult; redis?: LoadResult; offRedisSessions?: LoadResult };
  resume?: ResumeResult;
  /** Phases reporting in their own tables (the operator, the runtime's cost, …). */
  sections: BenchSection[];
  errors: string[];
}

const KIB = 1024;
const MIB = 1024 * 1024;
const TARGET_FRAMES_RATIO = 0.5;
const TARGET_IDLE_BYTES = 16 * KIB;
const TARGET_ADDED_P99_MS = 5;
const TARGET_SESSIONS = 1000;
const TARGET_BUNDLE_GZIP_BYTES = MIB;
// Above this, something else on the machine competed with the run enough to say so.
const SHARED_MACHINE_CORES = 0.25;
// Above this p99 of (actual - scheduled send), the paced phase was not paced as planned.
const SCHEDULE_SLIP_MS = 5;

type Cell = number | undefined;
interface Row {
  label: string;
  omnia: Cell;
  baseline: Cell;
  /** The edge placement; its ratio (when `ratio` or `edgeRatio`) is edge / Omnia, the Node sidecar. */
  edge?: Cell;
  digits: number;
  ratio?: boolean;
  /** Only the edge / Omnia ratio (CPU rows, where Omnia / baseline compares different work). */
  edgeRatio?: boolean;
}

export function printReport(r: BenchResults): void {
  const lo = r.load.omnia;
  const lb = r.load.baseline;
  const io = r.idle.omnia;
  const ib = r.idle.baseline;
  const po = r.latency.omnia;
  const pb = r.latency.baseline;
  const saturatedAdded = difference(lo?.latencyMs, lb?.latencyMs);
  const added = difference(po?.latencyMs, pb?.latencyMs);
  const addedFirstChunk = difference(po?.firstChunkMs, pb?.firstChunkMs);
  const le = r.load.edge;
  const pe = r.latency.edge;
  const bundle = r.edgeBundle;
  const edgeSaturatedAdded = difference(le?.latencyMs, lb?.latencyMs);
  const edgeAdded = difference(pe?.latencyMs, pb?.latencyMs);
  const edgeAddedFirstChunk = difference(pe?.firstChunkMs, pb?.firstChunkMs);
  // The edge columns and its own rows only when the edge ran (not with --no-edge).
  const showEdge = r.params.edge;
  const holders = `facade / bare server${showEdge ? " / workerd" : ""}`;

  const rows: Row[] = [
    { label: "load: sessions open", omnia: lo?.sessions, baseline: lb?.sessions, edge: le?.sessions, digits: 0 },
    { label: "load: turns/s", omnia: lo?.turnsPerSecond, baseline: lb?.turnsPerSecond, edge: le?.turnsPerSecond, digits: 0, ratio: true },
    { label: "load: frames/s", omnia: lo?.framesPerSecond, baseline: lb?.framesPerSecond, edge: le?.framesPerSecond, digits: 0, ratio: true },
    { label: "load: frames per turn", omnia: lo?.framesPerTurn, baseline: lb?.framesPerTurn, edge: le?.framesPerTurn, digits: 2 },
    { label: "load: saturated latency p50 (ms)", omnia: lo?.latencyMs.p50, baseline: lb?.latencyMs.p50, edge: le?.latencyMs.p50, digits: 2, ratio: true },
    { label: "load: saturated latency p99 (ms)", omnia: lo?.latencyMs.p99, baseline: lb?.latencyMs.p99, edge: le?.latencyMs.p99, digits: 2, ratio: true },
    { label: "load: saturated added p50 (ms)", omnia: saturatedAdded?.p50, baseline: undefined, edge: edgeSaturatedAdded?.p50, digits: 2 },
    { label: "load: saturated added p99 (ms)", omnia: saturatedAdded?.p99, baseline: undefined, edge: edgeSaturatedAdded?.p99, digits: 2 },
    { label: "load: failures", omnia: lo?.failures, baseline: lb?.failures, edge: le?.failures, digits: 0 },
    { label: "load: CPU cores, bench client", omnia: lo?.cpuCores.bench_client, baseline: lb?.cpuCores.bench_client, edge: le?.cpuCores.bench_client, digits: 2 },
    { label: `load: CPU cores, ${holders}`, omnia: lo?.cpuCores.facade, baseline: lb?.cpuCores.baseline, edge: le?.cpuCores.workerd, digits: 2, edgeRatio: true },
    { label: "load: CPU cores, Miniflare host (Node)", omnia: undefined, baseline: undefined, edge: le?.cpuCores.edge_host, digits: 2 },
    { label: "load: CPU cores, runtime", omnia: lo?.cpuCores.runtime, baseline: undefined, edge: le?.cpuCores.runtime, digits: 2, edgeRatio: true },
    { label: "load: CPU cores, other processes", omnia: lo?.cpuCores.other_processes, baseline: lb?.cpuCores.other_processes, edge: le?.cpuCores.other_processes, digits: 2 },
    { label: "load: CPU cores, whole machine", omnia: lo?.cpuCores.machine, baseline: lb?.cpuCores.machine, edge: le?.cpuCores.machine, digits: 2 },
    { label: "paced: sessions open", omnia: po?.sessions, baseline: pb?.sessions, edge: pe?.sessions, digits: 0 },
    { label: "paced: turns measured", omnia: po?.turns, baseline: pb?.turns, edge: pe?.turns, digits: 0 },
    { label: "paced: turn latency p50 (ms)", omnia: po?.latencyMs.p50, baseline: pb?.latencyMs.p50, edge: pe?.latencyMs.p50, digits: 2, ratio: true },
    { label: "paced: turn latency p99 (ms)", omnia: po?.latencyMs.p99, baseline: pb?.latencyMs.p99, edge: pe?.latencyMs.p99, digits: 2, ratio: true },
    { label: "paced: added latency p50 (ms)", omnia: added?.p50, baseline: undefined, edge: edgeAdded?.p50, digits: 2 },
    { label: "paced: added latency p99 (ms)", omnia: added?.p99, baseline: undefined, edge: edgeAdded?.p99, digits: 2 },
    { label: "paced: first chunk p50 (ms)", omnia: po?.firstChunkMs.p50, baseline: pb?.firstChunkMs.p50, edge: pe?.firstChunkMs.p50, digits: 2, ratio: true },
    { label: "paced: first chunk p99 (ms)", omnia: po?.firstChunkMs.p99, baseline: pb?.firstChunkMs.p99, edge: pe?.firstChunkMs.p99, digits: 2, ratio: true },
    { label: "paced: failures", omnia: po?.failures, baseline: pb?.failures, edge: pe?.failures, digits: 0 },
    { label: `paced: CPU cores, ${holders}`, omnia: po?.cpuCores.facade, baseline: pb?.cpuCores.baseline, edge: pe?.cpuCores.workerd, digits: 2, edgeRatio: true },
    { label: "paced: CPU cores, Miniflare host (Node)", omnia: undefined, baseline: undefined, edge: pe?.cpuCores.edge_host, digits: 2 },
    { label: "paced: CPU cores, runtime", omnia: po?.cpuCores.runtime, baseline: undefined, edge: pe?.cpuCores.runtime, digits: 2, edgeRatio: true },
    { label: "paced: CPU cores, other processes", omnia: po?.cpuCores.other_processes, baseline: pb?.cpuCores.other_processes, edge: pe?.cpuCores.other_processes, digits: 2 },
    { label: "idle: connections held", omnia: io?.stillOpen, baseline: ib?.stillOpen, digits: 0 },
    { label: "idle: RSS before (MiB)", omnia: mib(io?.rssBeforeBytes), baseline: mib(ib?.rssBeforeBytes), digits: 1 },
    { label: "idle: RSS after (MiB)", omnia: mib(io?.rssAfterBytes), baseline: mib(ib?.rssAfterBytes), digits: 1 },
    { label: "idle: KiB per connection", omnia: kib(io?.bytesPerConnection), baseline: kib(ib?.bytesPerConnection), digits: 2, ratio: true },
    { label: "idle: runtime RSS change (MiB)", omnia: mib(io?.otherRssDeltaBytes.runtime), baseline: undefined, digits: 1 },
    { label: "edge: Worker bundle (KiB)", omnia: undefined, baseline: undefined, edge: kib(bundle?.bytes), digits: 1 },
    { label: "edge: Worker bundle gzipped (KiB)", omnia: undefined, baseline: undefined, edge: kib(bundle?.gzipBytes), digits: 1 },
  ];

  const body = rows
    .filter((row) => showEdge || row.omnia !== undefined || row.baseline !== undefined)
    .map((row) => [
      row.label,
      fmt(row.omnia, row.digits),
      fmt(row.baseline, row.digits),
      row.ratio ? fmt(ratio(row.omnia, row.baseline), 2) : "",
      ...(showEdge ? [fmt(row.edge, row.digits), row.ratio || row.edgeRatio ? fmt(ratio(row.edge, row.omnia), 2) : ""] : []),
    ]);

  const p = r.params;
  console.log("");
  console.log(`Omnia (Node facade + runtime, mock provider) vs bare ws server, 127.0.0.1, ${r.machine.cpus} CPUs, Node ${r.machine.node}`);
  console.log(`load: ${p.sessions} sessions, closed loop, ${p.warmupSeconds} s warm-up + ${p.seconds} s measured`);
  console.log(`paced: ${p.sessions} sessions, ${p.latencyRate} turns/s in all (seed ${p.latencySeed}), ${p.warmupSeconds} s warm-up + ${p.latencySeconds} s measured`);
  console.log(`idle: ${p.idle} connections`);
  if (showEdge) {
    console.log("edge: the same runtime (gRPC-web bridge, bearer token) and the facade as a Worker in workerd (Miniflare),");
    console.log("  each session's socket in a Durable Object, its turn journal in the object's isolate (no Upstash);");
    console.log("  load and paced as above, against the same baseline; edge/Omnia = edge / Node sidecar");
  }
  console.log("");
  printTable(["metric", "Omnia", "baseline", "ratio", ...(showEdge ? ["edge", "edge/Omnia"] : [])], body);
  console.log("");

  const jOff = r.journalLoad.off;
  const jMem = lo;
  const jRedis = r.journalLoad.redis;
  const jOffRedis = r.journalLoad.offRedisSessions;
  const journalRows: JournalRow[] = [
    { label: "journal load: turns/s", get: (l) => l.turnsPerSecond, digits: 0, ratio: true },
    { label: "journal load: frames/s", get: (l) => l.framesPerSecond, digits: 0, ratio: true },
    { label: "journal load: saturated latency p50 (ms)", get: (l) => l.latencyMs.p50, digits: 2, ratio: true },
    { label: "journal load: saturated latency p99 (ms)", get: (l) => l.latencyMs.p99, digits: 2, ratio: true },
    { label: "journal load: failures", get: (l) => l.failures, digits: 0 },
    { label: "journal load: CPU cores, bench client", get: (l) => l.cpuCores.bench_client, digits: 2 },
    { label: "journal load: CPU cores, facade", get: (l) => l.cpuCores.facade, digits: 2 },
    { label: "journal load: CPU cores, runtime", get: (l) => l.cpuCores.runtime, digits: 2 },
    { label: "journal load: CPU cores, redis-server", get: (l) => l.cpuCores.redis, digits: 2 },
    { label: "journal load: CPU cores, other processes", get: (l) => l.cpuCores.other_processes, digits: 2 },
    { label: "journal load: CPU cores, whole machine", get: (l) => l.cpuCores.machine, digits: 2 },
  ];
  console.log(`turn journal: Omnia load as above (${p.sessions} sessions, closed loop, fresh stack each), the journal`);
  console.log("  off | in facade memory (the load above) | in Redis, runtime sessions in Redis too | off, runtime sessions in Redis");
  console.log("");
  printTable(
    ["metric", "off", "memory", "Redis", "off+Rs", "memory/off", "Redis/off", "Redis/off+Rs"],
    journalRows.map((row) => {
      const [off, mem, redis, offRedis] = [jOff, jMem, jRedis, jOffRedis].map((l) => (l ? row.get(l) : undefined));
      return [
        row.label,
        fmt(off, row.digits),
        fmt(mem, row.digits),
        fmt(redis, row.digits),
        fmt(offRedis, row.digits),
        row.ratio ? fmt(ratio(mem, off), 2) : "",
        row.ratio ? fmt(ratio(redis, off), 2) : "",
        row.ratio ? fmt(ratio(redis, offRedis), 2) : "",
      ];
    }),
  );
  console.log("");

  const rs = r.resume;
  console.log(
    `resume: ${p.resumeSessions} sessions (${p.resumeConcurrency} at a time, seed ${p.resumeSeed}, after ${p.resumeConcurrency} unmeasured), journal in Redis: each cuts its socket after k turn frames and reconnects at once with resume + after_seq`,
  );
  console.log("");
  const resumeRows: Array<[string, Cell, number]> = [
    ["resume: sessions", rs?.sessions, 0],
    ["resume: resumed and checked ok", rs?.ok, 0],
    ["resume: failures", rs?.failures, 0],
    ["resume: new session, open -> connected p50 (ms)", rs?.newSessionConnectedMs.p50, 2],
    ["resume: new session, open -> connected p99 (ms)", rs?.newSessionConnectedMs.p99, 2],
    ["resume: reconnect -> connected p50 (ms)", rs?.connectedMs.p50, 2],
    ["resume: reconnect -> connected p99 (ms)", rs?.connectedMs.p99, 2],
    ["resume: reconnect -> first replayed frame p50 (ms)", rs?.firstFrameMs.p50, 2],
    ["resume: reconnect -> first replayed frame p99 (ms)", rs?.firstFrameMs.p99, 2],
    ["resume: frames read before the cut, mean", rs?.cutAfterFrames.mean, 2],
    ["resume: frames after the reconnect, mean", rs && rs.ok > 0 ? rs.replayedFrames / rs.ok : undefined, 2],
    ["resume: turn had ended before the reconnect", rs?.endedBeforeReconnect, 0],
    ["resume: turn still running, followed live", rs?.liveFollows, 0],
    ["resume: CPU cores, facade", rs?.cpuCores.facade, 2],
    ["resume: CPU cores, runtime", rs?.cpuCores.runtime, 2],
    ["resume: CPU cores, redis-server", rs?.cpuCores.redis, 2],
    ["resume: CPU cores, other processes", rs?.cpuCores.other_processes, 2],
  ];
  printTable(
    ["metric", "Omnia"],
    resumeRows.map(([label, value, digits]) => [label, fmt(value, digits)]),
  );
  console.log("");

  for (const section of r.sections) printSection(section);

  const targets = evaluateTargets(r, added, po?.sessions);
  console.log("Targets:");
  for (const t of Object.values(targets)) console.log(`  ${t.met === null ? "n/a    " : t.met ? "met    " : "NOT met"}  ${t.text}`);
  for (const e of r.errors) console.log(`  error: ${e.split("\n")[0]}`);
  const windows = [
    ["Omnia load", lo?.cpuCores],
    ["baseline load", lb?.cpuCores],
    ["Omnia paced", po?.cpuCores],
    ["baseline paced", pb?.cpuCores],
    ["Omnia load (journal off)", jOff?.cpuCores],
    ["Omnia load (journal in Redis)", jRedis?.cpuCores],
    ["Omnia load (journal off, sessions in Redis)", jOffRedis?.cpuCores],
    ["resume", rs?.cpuCores],
    ["edge load", le?.cpuCores],
    ["edge paced", pe?.cpuCores],
  ] as const;
  for (const [name, cores] of windows) {
    const others = cores?.other_processes ?? 0;
    if (others > SHARED_MACHINE_CORES) {
      console.log(`  note: other processes used ${fmt(others, 2)} cores during the ${name} window: its figures are off`);
    }
  }
  for (const [name, paced] of [["Omnia", po], ["baseline", pb], ["edge", pe]] as const) {
    if (!paced) continue;
    if (paced.sendLagMs.p99 > SCHEDULE_SLIP_MS || paced.delayedSends > 0) {
      console.log(
        `  note: the ${name} paced schedule slipped (send lag p99 ${fmt(paced.sendLagMs.p99, 2)} ms, ${paced.delayedSends} sends waited for the previous turn)`,
      );
    }
  }
  if (rs && rs.failures > 0) {
    const reasons = Object.entries(rs.failureReasons).map(([why, n]) => `${n} x ${why}`).join("; ");
    console.log(`  note: ${rs.failures} of ${rs.sessions} resumes failed: ${reasons}`);
  }
  console.log("");

  const json = {
    params: p,
    machine: r.machine,
    load: r.load,
    latency: r.latency,
    idle: r.idle,
    journalLoad: r.journalLoad,
    resume: r.resume ?? null,
    journal_frames_per_s_off: jOff?.framesPerSecond ?? null,
    journal_frames_per_s_memory: jMem?.framesPerSecond ?? null,
    journal_frames_per_s_redis: jRedis?.framesPerSecond ?? null,
    journal_ratio_memory_vs_off: ratio(jMem?.framesPerSecond, jOff?.framesPerSecond) ?? null,
    journal_frames_per_s_off_redis_sessions: jOffRedis?.framesPerSecond ?? null,
    journal_ratio_redis_vs_off: ratio(jRedis?.framesPerSecond, jOff?.framesPerSecond) ?? null,
    journal_ratio_redis_vs_off_redis_sessions: ratio(jRedis?.framesPerSecond, jOffRedis?.framesPerSecond) ?? null,
    journal_redis_cpu_cores: jRedis?.cpuCores.redis ?? null,
    resume_sessions: rs?.sessions ?? null,
    resume_connected_ms_p50: rs?.connectedMs.p50 ?? null,
    resume_connected_ms_p99: rs?.connectedMs.p99 ?? null,
    resume_first_frame_ms_p50: rs?.firstFrameMs.p50 ?? null,
    resume_first_frame_ms_p99: rs?.firstFrameMs.p99 ?? null,
    resume_failures: rs?.failures ?? null,
    resume_ended_before_reconnect: rs?.endedBeforeReconnect ?? null,
    resume_live_follows: rs?.liveFollows ?? null,
    // No Upstash: each session's turn journal lives in its Durable Object's isolate.
    edge: showEdge ? { load: le ?? null, latency: pe ?? null, bundle: bundle ?? null, journal: "durable-object-isolate" } : null,
    edge_turns_per_s: le?.turnsPerSecond ?? null,
    edge_frames_per_s: le?.framesPerSecond ?? null,
    edge_ratio_vs_sidecar: ratio(le?.framesPerSecond, lo?.framesPerSecond) ?? null,
    edge_turns_ratio_vs_sidecar: ratio(le?.turnsPerSecond, lo?.turnsPerSecond) ?? null,
    edge_load_latency_ms_p50: le?.latencyMs.p50 ?? null,
    edge_load_latency_ms_p99: le?.latencyMs.p99 ?? null,
    edge_load_failures: le?.failures ?? null,
    edge_load_cpu_cores_workerd: le?.cpuCores.workerd ?? null,
    edge_load_cpu_cores_miniflare_host: le?.cpuCores.edge_host ?? null,
    edge_load_cpu_cores_runtime: le?.cpuCores.runtime ?? null,
    edge_paced_latency_ms_p50: pe?.latencyMs.p50 ?? null,
    edge_paced_latency_ms_p99: pe?.latencyMs.p99 ?? null,
    edge_paced_added_ms_p50: edgeAdded?.p50 ?? null,
    edge_paced_added_ms_p99: edgeAdded?.p99 ?? null,
    edge_paced_added_first_chunk_ms_p50: edgeAddedFirstChunk?.p50 ?? null,
    edge_paced_added_first_chunk_ms_p99: edgeAddedFirstChunk?.p99 ?? null,
    edge_paced_failures: pe?.failures ?? null,
    worker_bundle_bytes: bundle?.bytes ?? null,
    worker_bundle_gzip_bytes: bundle?.gzipBytes ?? null,
    ...Object.fromEntries(r.sections.flatMap((s) => Object.entries(s.figures).map(([k, v]) => [`${s.name}_${k}`, v]))),
    pacedAddedLatencyMs: added ?? null,
    pacedAddedFirstChunkMs: addedFirstChunk ?? null,
    saturatedAddedLatencyMs: saturatedAdded ?? null,
    ratios: {
      turnsPerSecond: ratio(lo?.turnsPerSecond, lb?.turnsPerSecond) ?? null,
      framesPerSecond: ratio(lo?.framesPerSecond, lb?.framesPerSecond) ?? null,
      bytesPerIdleConnection: ratio(io?.bytesPerConnection, ib?.bytesPerConnection) ?? null,
    },
    targets,
    errors: r.errors,
  };
  console.log(`BENCH_JSON ${JSON.stringify(json, (_k, v: unknown) => (typeof v === "number" ? round(v, 3) : v))}`);
}

function evaluateTargets(r: BenchResults, added: { p50: number; p99: number } | undefined, pacedSessions: number | undefined) {
  const framesRatio = ratio(r.load.omnia?.framesPerSecond, r.load.baseline?.framesPerSecond);
  const idleBytes = r.idle.omnia?.bytesPerConnection;
  const sessions = pacedSessions ?? r.params.sessions;
  const atSessions = sessions === TARGET_SESSIONS ? "" : ` (measured at ${sessions} sessions, target is for ${TARGET_SESSIONS})`;
  const verdict = (v: number | undefined, ok: (x: number) => boolean) => (v === undefined || !Number.isFinite(v) ? null : ok(v));
  const gzipBytes = r.edgeBundle?.gzipBytes;
  return {
    framesRatio: {
      value: framesRatio ?? null,
      threshold: TARGET_FRAMES_RATIO,
      met: verdict(framesRatio, (x) => x >= TARGET_FRAMES_RATIO),
      text: `frames/s at least half the baseline: ratio ${fmt(framesRatio, 2)} >= ${TARGET_FRAMES_RATIO}`,
    },
    idleBytes: {
      value: idleBytes ?? null,
      threshold: TARGET_IDLE_BYTES,
      met: verdict(idleBytes, (x) => x < TARGET_IDLE_BYTES),
      text: `idle connection under 16 KiB: ${fmt(kib(idleBytes), 2)} KiB`,
    },
    addedP99: {
      value: added?.p99 ?? null,
      threshold: TARGET_ADDED_P99_MS,
      met: verdict(added?.p99, (x) => x < TARGET_ADDED_P99_MS),
      text: `p99 added latency under ${TARGET_ADDED_P99_MS} ms at ${TARGET_SESSIONS} sessions (paced, ${r.params.latencyRate} turns/s): ${fmt(added?.p99, 2)} ms${atSessions}`,
    },
    workerBundleGzip: {
      value: gzipBytes ?? null,
      threshold: TARGET_BUNDLE_GZIP_BYTES,
      met: verdict(gzipBytes, (x) => x < TARGET_BUNDLE_GZIP_BYTES),
      text: r.params.edge
        ? `Worker bundle under 1 MiB gzipped: ${fmt(kib(gzipBytes), 1)} KiB gzipped (${fmt(kib(r.edgeBundle?.bytes), 1)} KiB raw)`
        : "Worker bundle under 1 MiB gzipped: not built (--no-edge)",
    },
  };
}

interface JournalRow {
  label: string;
  get: (l: LoadResult) => number | undefined;
  digits: number;
  ratio?: boolean;
}

/** Left-aligned first column, right-aligned figures. */
function printSection(section: BenchSection): void {
  console.log(section.about);
  printTable(
    ["metric", "value", "baseline", "ratio"],
    section.rows.map((row) => [row.label, fmt(row.value, row.digits), fmt(row.baseline, row.digits), fmt(ratio(row.value, row.baseline), 2)]),
  );
  for (const note of section.notes) console.log(`  note: ${note}`);
  console.log("");
}

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ").trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const b of body) console.log(line(b));
}

/** Omnia minus baseline, percentile by percentile. */
function difference(o: Summary | undefined, b: Summary | undefined): { p50: number; p99: number } | undefined {
  if (!o || !b) return undefined;
  return { p50: o.p50 - b.p50, p99: o.p99 - b.p99 };
}

function ratio(a: Cell, b: Cell): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

const mib = (bytes: Cell) => (bytes === undefined ? undefined : bytes / MIB);
const kib = (bytes: Cell) => (bytes === undefined ? undefined : bytes / KIB);

function fmt(value: Cell, digits: number): string {
  if (value === undefined || !Number.isFinite(value)) return "-";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
