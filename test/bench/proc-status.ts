// Reads a target's memory from /proc and asks it for a full GC, so idle-connection figures are
// resident memory the connections keep, not garbage that happens to be uncollected yet.
import { readdirSync, readFileSync } from "node:fs";

/** Resident set size of a process in bytes (VmRSS in /proc/<pid>/status). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!m?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

// Injected into every target through NODE_OPTIONS (their files stay untouched): --expose-gc plus
// a SIGUSR2 handler that runs a full collection. A data: URL needs no file and no tsx.
export const GC_ON_SIGNAL_NODE_OPTIONS =
  "--expose-gc --import data:text/javascript,process.on('SIGUSR2',()=>globalThis.gc())";

const SIGUSR2_BIT = 1n << 11n; // signal 12 is bit 11 of the SigCgt mask

/** True when the process has a SIGUSR2 handler: without one the signal would kill it. */
export function catchesSigusr2(pid: number): boolean {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /^SigCgt:\s+([0-9a-f]+)$/m.exec(status);
  return m?.[1] !== undefined && (BigInt(`0x${m[1]}`) & SIGUSR2_BIT) !== 0n;
}

/** Full GC in the target when it can take one; false when it cannot (figures are then noisier). */
export function requestGc(pid: number): boolean {
  if (!catchesSigusr2(pid)) return false;
  process.kill(pid, "SIGUSR2");
  return true;
}

// USER_HZ is 100 on every Linux build Node supports (x86-64, arm64).
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** The command name of a process (/proc/<pid>/comm), or undefined when it is gone. */
export function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

/**
 * The direct children of a process, optionally only those with the given command name: how the
 * bench finds workerd, which Miniflare spawns and the bench never sees.
 */
export function childPids(parent: number, name?: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid ...": the name may hold spaces and parentheses, so split at the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    if (ppid === parent && (name === undefined || comm === name)) found.push(Number(entry));
  }
  return found;
}

/** CPU time all processes on the machine have used so far (busy = not idle, not iowait), in seconds. */
export function machineBusySeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return (ticks.reduce((a, b) => a + b, 0) - idle) / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds so far of the bench client, the given processes and the whole machine (`machine`). */
export function readCpu(processes: Array<{ name: string; pid: number }>): Record<string, number> {
  const own = process.cpuUsage();
  const out: Record<string, number> = { machine: machineBusySeconds(), bench_client: (own.user + own.system) / 1e6 };
  for (const p of processes) {
    try {
      out[p.name] = cpuSeconds(p.pid);
    } catch {
      // the process died; its absence in the report says so
    }
  }
  return out;
}

/**
 * Cores each process used between two readCpu calls (1 = one full core), the whole machine, and
 * `other_processes`: the machine may be shared, and what the bench's own processes did not use
 * tells how much others took.
 */
export function cpuCoresBetween(before: Record<string, number>, after: Record<string, number>, seconds: number): Record<string, number> {
  const cores: Record<string, number> = {};
  for (const [name, s] of Object.entries(after)) cores[name] = (s - (before[name] ?? 0)) / seconds;
  const ours = Object.entries(cores).reduce((sum, [name, c]) => (name === "machine" ? sum : sum + c), 0);
  cores.other_processes = Math.max(0, (cores.machine ?? 0) - ours);
  return cores;
}
