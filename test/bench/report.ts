// The printed result: an aligned table (Omnia | baseline | ratio), the three targets with met /
// NOT met, and one BENCH_JSON line for machines. A missed target is reported, never an exit code.
import type { IdleResult } from "./idle-connections.js";
import type { LoadResult } from "./load.js";
import { round } from "./stats.js";

export interface BenchParams {
  sessions: number;
  seconds: number;
  warmupSeconds: number;
  idle: number;
  batch: number;
}

export interface BenchResults {
  params: BenchParams;
  machine: Record<string, string | number>;
  load: { omnia?: LoadResult; baseline?: LoadResult };
  idle: { omnia?: IdleResult; baseline?: IdleResult };
  errors: string[];
}

const KIB = 1024;
const MIB = 1024 * 1024;
const TARGET_FRAMES_RATIO = 0.5;
const TARGET_IDLE_BYTES = 16 * KIB;
const TARGET_ADDED_P99_MS = 5;
const TARGET_SESSIONS = 1000;

type Cell = number | undefined;
interface Row {
  label: string;
  omnia: Cell;
  baseline: Cell;
  digits: number;
  ratio?: boolean;
}

export function printReport(r: BenchResults): void {
  const lo = r.load.omnia;
  const lb = r.load.baseline;
  const io = r.idle.omnia;
  const ib = r.idle.baseline;
  const added = addedLatency(lo, lb);

  const rows: Row[] = [
    { label: "load: sessions open", omnia: lo?.sessions, baseline: lb?.sessions, digits: 0 },
    { label: "load: turns/s", omnia: lo?.turnsPerSecond, baseline: lb?.turnsPerSecond, digits: 0, ratio: true },
    { label: "load: frames/s", omnia: lo?.framesPerSecond, baseline: lb?.framesPerSecond, digits: 0, ratio: true },
    { label: "load: frames per turn", omnia: lo?.framesPerTurn, baseline: lb?.framesPerTurn, digits: 2 },
    { label: "load: turn latency p50 (ms)", omnia: lo?.latencyMs.p50, baseline: lb?.latencyMs.p50, digits: 2, ratio: true },
    { label: "load: turn latency p99 (ms)", omnia: lo?.latencyMs.p99, baseline: lb?.latencyMs.p99, digits: 2, ratio: true },
    { label: "load: added latency p50 (ms)", omnia: added?.p50, baseline: undefined, digits: 2 },
    { label: "load: added latency p99 (ms)", omnia: added?.p99, baseline: undefined, digits: 2 },
    { label: "load: failures", omnia: lo?.failures, baseline: lb?.failures, digits: 0 },
    { label: "load: CPU cores, bench client", omnia: lo?.cpuCores.bench_client, baseline: lb?.cpuCores.bench_client, digits: 2 },
    { label: "load: CPU cores, facade / bare server", omnia: lo?.cpuCores.facade, baseline: lb?.cpuCores.baseline, digits: 2 },
    { label: "load: CPU cores, runtime", omnia: lo?.cpuCores.runtime, baseline: undefined, digits: 2 },
    { label: "idle: connections held", omnia: io?.stillOpen, baseline: ib?.stillOpen, digits: 0 },
    { label: "idle: RSS before (MiB)", omnia: mib(io?.rssBeforeBytes), baseline: mib(ib?.rssBeforeBytes), digits: 1 },
    { label: "idle: RSS after (MiB)", omnia: mib(io?.rssAfterBytes), baseline: mib(ib?.rssAfterBytes), digits: 1 },
    { label: "idle: KiB per connection", omnia: kib(io?.bytesPerConnection), baseline: kib(ib?.bytesPerConnection), digits: 2, ratio: true },
    { label: "idle: runtime RSS change (MiB)", omnia: mib(io?.otherRssDeltaBytes.runtime), baseline: undefined, digits: 1 },
  ];

  const header = ["metric", "Omnia", "baseline", "ratio"];
  const body = rows.map((row) => [
    row.label,
    fmt(row.omnia, row.digits),
    fmt(row.baseline, row.digits),
    row.ratio ? fmt(ratio(row.omnia, row.baseline), 2) : "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ").trimEnd();

  const p = r.params;
  console.log("");
  console.log(`Omnia (Node facade + runtime, mock provider) vs bare ws server, 127.0.0.1, ${r.machine.cpus} CPUs, Node ${r.machine.node}`);
  console.log(`load: ${p.sessions} sessions, ${p.warmupSeconds} s warm-up + ${p.seconds} s measured; idle: ${p.idle} connections`);
  console.log("");
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const b of body) console.log(line(b));
  console.log("");

  const targets = evaluateTargets(r, added);
  console.log("Targets:");
  for (const t of Object.values(targets)) console.log(`  ${t.met === null ? "n/a    " : t.met ? "met    " : "NOT met"}  ${t.text}`);
  for (const e of r.errors) console.log(`  error: ${e.split("\n")[0]}`);
  console.log("");

  const json = {
    params: p,
    machine: r.machine,
    load: r.load,
    idle: r.idle,
    addedLatencyMs: added ?? null,
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

function evaluateTargets(r: BenchResults, added: { p50: number; p99: number } | undefined) {
  const framesRatio = ratio(r.load.omnia?.framesPerSecond, r.load.baseline?.framesPerSecond);
  const idleBytes = r.idle.omnia?.bytesPerConnection;
  const atSessions = r.params.sessions === TARGET_SESSIONS ? "" : ` (measured at ${r.params.sessions} sessions, target is for ${TARGET_SESSIONS})`;
  const verdict = (v: number | undefined, ok: (x: number) => boolean) => (v === undefined || !Number.isFinite(v) ? null : ok(v));
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
      text: `p99 added latency under ${TARGET_ADDED_P99_MS} ms: ${fmt(added?.p99, 2)} ms${atSessions}`,
    },
  };
}

function addedLatency(o: LoadResult | undefined, b: LoadResult | undefined): { p50: number; p99: number } | undefined {
  if (!o || !b) return undefined;
  return { p50: o.latencyMs.p50 - b.latencyMs.p50, p99: o.latencyMs.p99 - b.latencyMs.p99 };
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
