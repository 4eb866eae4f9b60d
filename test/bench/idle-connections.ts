// Idle phase: what an open, quiet connection costs the process holding it. Measured on a freshly
// started target, with a full GC before each reading so garbage from the connect burst is not
// counted, and after a small warm-up so code loaded on the first connection is not counted either.
import { closeAll, openMany } from "./bench-socket.js";
import { requestGc, rssBytes } from "./proc-status.js";

export interface IdleOptions {
  url: string;
  count: number;
  batch: number;
  connectTimeoutMs: number;
  settleMs: number;
  /** The process that holds the server side of the sockets. */
  pid: number;
  /** Other processes of the target, reported for information (Omnia's runtime). */
  others: Array<{ name: string; pid: number }>;
}

export interface IdleResult {
  requested: number;
  opened: number;
  stillOpen: number;
  openSeconds: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  bytesPerConnection: number;
  gcForced: boolean;
  otherRssDeltaBytes: Record<string, number>;
  failureReasons: Record<string, number>;
}

const WARMUP_CONNECTIONS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runIdle(o: IdleOptions): Promise<IdleResult> {
  const warm = await openMany(o.url, Math.min(WARMUP_CONNECTIONS, o.count), o.batch, o.connectTimeoutMs);
  await closeAll(warm.sockets);

  const gcForced = await settle(o.pid, o.settleMs);
  const before = rssBytes(o.pid);
  const othersBefore = o.others.map((p) => rssBytes(p.pid));

  const openStart = performance.now();
  const { sockets, failures } = await openMany(o.url, o.count, o.batch, o.connectTimeoutMs);
  const openSeconds = (performance.now() - openStart) / 1000;

  await settle(o.pid, o.settleMs);
  const after = rssBytes(o.pid);
  const otherRssDeltaBytes: Record<string, number> = {};
  o.others.forEach((p, i) => (otherRssDeltaBytes[p.name] = rssBytes(p.pid) - (othersBefore[i] ?? 0)));
  const stillOpen = sockets.filter((s) => !s.closed).length;
  await closeAll(sockets);

  return {
    requested: o.count,
    opened: sockets.length,
    stillOpen,
    openSeconds,
    rssBeforeBytes: before,
    rssAfterBytes: after,
    bytesPerConnection: sockets.length > 0 ? (after - before) / sockets.length : Number.NaN,
    gcForced,
    otherRssDeltaBytes,
    failureReasons: Object.fromEntries(failures),
  };
}

/** Quiet time plus two full GCs (the second collects what the first one's finalizers freed). */
async function settle(pid: number, ms: number): Promise<boolean> {
  await sleep(ms / 2);
  const forced = requestGc(pid);
  await sleep(ms / 4);
  requestGc(pid);
  await sleep(ms / 4);
  return forced;
}
