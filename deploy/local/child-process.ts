// Starts one Omnia process (runtime or facade) under the same Node with tsx, keeps its log,
// and stops it by PID. Used by local mode and by the test suites.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface OmniaProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<number | NodeJS.Signals>;
  /** SIGTERM, then SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): void;
}

export function startOmniaProcess(opts: {
  name: string;
  entry: string;
  env: Record<string, string>;
  logDir: string;
  /** Also copy the process's output to this stream (local mode shows it on the terminal). */
  echo?: NodeJS.WritableStream;
}): OmniaProcess {
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, opts.entry)], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (chunk: Buffer) => {
      log.write(chunk);
      opts.echo?.write(chunk);
    });
  }
  if (child.pid === undefined) throw new Error(`could not start ${opts.name} (${opts.entry})`);
  const exited = new Promise<number | NodeJS.Signals>((resolveExit) => {
    child.once("exit", (code, signal) => {
      log.end();
      resolveExit(signal ?? code ?? 0);
    });
  });
  const kill = (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid as number, signal);
  };
  return {
    name: opts.name,
    pid: child.pid,
    child,
    logFile,
    exited,
    kill,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      kill("SIGTERM");
      const timer = setTimeout(() => kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls url until it answers 200, or fails after timeoutMs naming the last answer. */
export async function waitForHttpOk(url: string, timeoutMs: number, died?: Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  let dead = false;
  void died?.then(() => (dead = true));
  while (Date.now() < deadline) {
    if (dead) throw new Error(`the process behind ${url} exited during start-up`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms (last: ${last})`);
}
