// A real redis-server for tests: loopback, random free port, its own temp dir, stopped by PID.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";

export interface RedisServer {
  url: string;
  port: number;
  /** The current process (a restart gives a new one). */
  readonly pid: number;
  /** Stops the server and removes the temp dir it made. */
  stop(): Promise<void>;
  /**
   * Signals the server (default SIGKILL, a crash) and resolves once it has exited; SIGSTOP and
   * SIGCONT (a hung server and its recovery) resolve at once.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and dir (stopping it first if it still runs). */
  restart(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 10_000;
const PAUSE_SIGNALS = new Set<NodeJS.Signals>(["SIGSTOP", "SIGCONT", "SIGTSTP"]);

export async function startRedis(opts: { appendonly?: boolean; dir?: string } = {}): Promise<RedisServer> {
  const port = await freePort();
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "omnia-redis-"));
  const args = ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", opts.appendonly ? "yes" : "no", "--dir", dir];
  let child: ChildProcess | undefined;
  // A test run that dies without stop() must not leave a server behind.
  const killOnExit = () => child?.pid !== undefined && running(child) && process.kill(child.pid, "SIGKILL");
  process.once("exit", killOnExit);

  const kill = async (signal: NodeJS.Signals = "SIGKILL") => {
    const current = child;
    if (!current?.pid || !running(current)) return;
    if (PAUSE_SIGNALS.has(signal)) return void process.kill(current.pid, signal);
    const exited = new Promise((resolve) => current.once("exit", resolve));
    // A paused server would not act on SIGTERM until continued.
    if (signal !== "SIGKILL") process.kill(current.pid, "SIGCONT");
    process.kill(current.pid, signal);
    await exited;
  };
  const launch = async () => {
    await kill("SIGTERM");
    let output = "";
    const started = spawn("/usr/bin/redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    // Kept (the tail only) to explain a failed start.
    const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-4_000));
    started.stdout?.on("data", keep);
    started.stderr?.on("data", keep);
    child = started;
    await waitForPong(port, started, () => output);
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid ?? -1;
    },
    kill,
    restart: launch,
    async stop() {
      await kill("SIGTERM");
      process.removeListener("exit", killOnExit);
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function waitForPong(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!running(child)) throw new Error(`redis-server on port ${port} exited at start: ${output().trim()}`);
    if (await answersPing(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${STARTUP_TIMEOUT_MS} ms: ${output().trim()}`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}
