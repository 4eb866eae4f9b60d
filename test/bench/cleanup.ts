// Everything the bench started, so it can all be stopped by PID and deleted on every way out:
// normal end, an error, CTRL-C, or the watchdog.
import { rmSync } from "node:fs";
import type { OmniaProcess } from "../../deploy/local/child-process.js";
import { processName } from "./proc-status.js";

const STOP_GRACE_MS = 5_000;

export class Cleanup {
  private readonly processes = new Set<OmniaProcess>();
  private readonly dirs = new Set<string>();
  private readonly stoppers = new Set<() => Promise<void>>();
  /** Processes the bench did not spawn itself (workerd, Miniflare's child), by PID and command name. */
  private readonly grandchildren = new Map<number, string>();

  process(p: OmniaProcess): OmniaProcess {
    this.processes.add(p);
    return p;
  }

  dir(path: string): string {
    this.dirs.add(path);
    return path;
  }

  /**
   * Something that is not an OmniaProcess (a redis-server) to stop on every way out. Returns its
   * stop, which also forgets it. Its own exit hook covers killAllNow: startRedis SIGKILLs the
   * server when the bench process exits.
   */
  stopper(stop: () => Promise<void>): () => Promise<void> {
    const once = async () => {
      if (!this.stoppers.delete(once)) return;
      await stop();
    };
    this.stoppers.add(once);
    return once;
  }

  /** SIGTERM, SIGKILL after the grace period; the processes stop in parallel. */
  async stop(ps: OmniaProcess[]): Promise<void> {
    await Promise.all(ps.map((p) => p.stop(STOP_GRACE_MS).catch(() => p.kill("SIGKILL"))));
    for (const p of ps) this.processes.delete(p);
  }

  /**
   * A process started by one of the bench's children (workerd, spawned by Miniflare in the edge
   * host): its parent stops it, but a parent killed with SIGKILL leaves it running, so it is
   * SIGKILLed by PID on every way out if still there. The name guards against a reused PID.
   */
  grandchild(pid: number, name: string): void {
    this.grandchildren.set(pid, name);
  }

  /** SIGKILLs a grandchild still running under its name, waits until it is gone, and forgets it. */
  async killGrandchild(pid: number): Promise<void> {
    const name = this.grandchildren.get(pid);
    this.grandchildren.delete(pid);
    if (name === undefined || processName(pid) !== name) return;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      return; // gone meanwhile
    }
    for (let i = 0; i < 100 && processName(pid) === name; i++) await new Promise((r) => setTimeout(r, 20));
  }

  removeDir(path: string): void {
    rmSync(path, { recursive: true, force: true });
    this.dirs.delete(path);
  }

  async all(): Promise<void> {
    await this.stop([...this.processes]);
    await Promise.all([...this.stoppers].map((stop) => stop().catch(() => undefined)));
    await Promise.all([...this.grandchildren.keys()].map((pid) => this.killGrandchild(pid)));
    for (const d of [...this.dirs]) this.removeDir(d);
  }

  /** Last resort when the bench must exit now (second CTRL-C, watchdog): no waiting. */
  killAllNow(): void {
    for (const p of this.processes) p.kill("SIGKILL");
    for (const [pid, name] of this.grandchildren) {
      if (processName(pid) !== name) continue;
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    for (const d of [...this.dirs]) this.removeDir(d);
  }
}
