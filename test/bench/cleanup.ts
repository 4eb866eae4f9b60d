// Everything the bench started, so it can all be stopped by PID and deleted on every way out:
// normal end, an error, CTRL-C, or the watchdog.
import { rmSync } from "node:fs";
import type { OmniaProcess } from "../../deploy/local/child-process.js";

const STOP_GRACE_MS = 5_000;

export class Cleanup {
  private readonly processes = new Set<OmniaProcess>();
  private readonly dirs = new Set<string>();

  process(p: OmniaProcess): OmniaProcess {
    this.processes.add(p);
    return p;
  }

  dir(path: string): string {
    this.dirs.add(path);
    return path;
  }

  /** SIGTERM, SIGKILL after the grace period; the processes stop in parallel. */
  async stop(ps: OmniaProcess[]): Promise<void> {
    await Promise.all(ps.map((p) => p.stop(STOP_GRACE_MS).catch(() => p.kill("SIGKILL"))));
    for (const p of ps) this.processes.delete(p);
  }

  removeDir(path: string): void {
    rmSync(path, { recursive: true, force: true });
    this.dirs.delete(path);
  }

  async all(): Promise<void> {
    await this.stop([...this.processes]);
    for (const d of [...this.dirs]) this.removeDir(d);
  }

  /** Last resort when the bench must exit now (second CTRL-C, watchdog): no waiting. */
  killAllNow(): void {
    for (const p of this.processes) p.kill("SIGKILL");
    for (const d of [...this.dirs]) this.removeDir(d);
  }
}
