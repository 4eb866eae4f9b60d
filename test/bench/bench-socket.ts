// One client connection of the load and idle phases, the same code for both targets. It does the
// least work a client can do per frame: the load client shares two cores with the targets, and
// every microsecond it spends parsing is a microsecond the server under test does not get.
import WebSocket from "ws";
import { MESSAGE_CONTENT } from "./workload.js";

// Both targets write `type` first (the facade's FrameWriter does, as the reference does), so a
// chunk is recognised by its first bytes; anything else is parsed in full.
const CHUNK_PREFIX = Buffer.from('{"type":"chunk"');

export type TurnOutcome =
  /** firstChunkMs: message sent -> first `chunk` received (NaN when the turn had none). */
  | { ok: true; latencyMs: number; firstChunkMs: number; chunks: number }
  | { ok: false; reason: string; latencyMs: number };

interface PendingTurn {
  start: number;
  chunks: number;
  firstChunkAt: number;
  timer: NodeJS.Timeout;
  resolve: (outcome: TurnOutcome) => void;
}

export class BenchSocket {
  sessionId = "";
  /** Every server frame this socket received, for frames/s. */
  frames = 0;
  closed = false;
  private turn: PendingTurn | null = null;
  private onConnected: (() => void) | null = null;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data, isBinary) => this.receive(data, isBinary));
    socket.on("close", () => {
      this.closed = true;
      this.endTurn({ ok: false, reason: "closed", latencyMs: 0 });
    });
    socket.on("error", () => undefined); // a close always follows; failures are counted there
  }

  /** Resolves once the server's `connected` frame arrived. */
  static open(url: string, timeoutMs: number): Promise<BenchSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
      const client = new BenchSocket(socket);
      const onError = (err: Error) => fail(err.message);
      const onClose = () => fail("closed before connected");
      const onRefused = (_req: unknown, res: { statusCode?: number }) => fail(`upgrade refused: HTTP ${res.statusCode ?? 0}`);
      const settle = () => {
        clearTimeout(timer);
        socket.off("error", onError).off("close", onClose).off("unexpected-response", onRefused);
      };
      const fail = (why: string) => {
        settle();
        socket.terminate();
        reject(new Error(why));
      };
      const timer = setTimeout(() => fail(`no connected frame within ${timeoutMs} ms`), timeoutMs);
      socket.on("error", onError).on("close", onClose).on("unexpected-response", onRefused);
      client.onConnected = () => {
        settle();
        resolve(client);
      };
    });
  }

  /** Sends one message and resolves when its turn ends (done, error, close or timeout). */
  runTurn(timeoutMs: number): Promise<TurnOutcome> {
    return new Promise((resolve) => {
      if (this.closed) return resolve({ ok: false, reason: "closed", latencyMs: 0 });
      const start = performance.now();
      const timer = setTimeout(() => this.endTurn({ ok: false, reason: "timeout", latencyMs: timeoutMs }), timeoutMs);
      this.turn = { start, chunks: 0, firstChunkAt: Number.NaN, timer, resolve };
      this.socket.send(JSON.stringify({ type: "message", session_id: this.sessionId, content: MESSAGE_CONTENT }));
    });
  }

  /** Closes politely, and hard after graceMs so a stuck server cannot hold the run. */
  close(graceMs = 2_000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.socket.terminate(), graceMs);
      this.socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close(1000, "bench done");
    });
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    this.frames++;
    if (isBinary) return;
    const buf = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
    if (this.turn && buf.length > CHUNK_PREFIX.length && buf.compare(CHUNK_PREFIX, 0, CHUNK_PREFIX.length, 0, CHUNK_PREFIX.length) === 0) {
      if (this.turn.chunks++ === 0) this.turn.firstChunkAt = performance.now();
      return;
    }
    let frame: { type?: unknown; session_id?: unknown; error?: { code?: unknown } };
    try {
      frame = JSON.parse(buf.toString("utf8")) as typeof frame;
    } catch {
      return this.endTurn({ ok: false, reason: "bad_frame", latencyMs: 0 });
    }
    if (frame.type === "connected") {
      if (typeof frame.session_id === "string") this.sessionId = frame.session_id;
      this.onConnected?.();
      this.onConnected = null;
    } else if (frame.type === "done" && this.turn) {
      const { start, firstChunkAt, chunks } = this.turn;
      this.endTurn({ ok: true, latencyMs: performance.now() - start, firstChunkMs: firstChunkAt - start, chunks });
    } else if (frame.type === "error") {
      const code = typeof frame.error?.code === "string" ? frame.error.code : "error";
      this.endTurn({ ok: false, reason: code, latencyMs: this.turn ? performance.now() - this.turn.start : 0 });
    }
  }

  private endTurn(outcome: TurnOutcome): void {
    const turn = this.turn;
    if (!turn) return;
    this.turn = null;
    clearTimeout(turn.timer);
    turn.resolve(outcome);
  }
}

/**
 * Opens `count` sockets `batch` at a time, each batch fully connected before the next starts, so
 * the server's accept queue never overflows (that would measure the kernel, not the server).
 */
export async function openMany(
  url: string,
  count: number,
  batch: number,
  timeoutMs: number,
): Promise<{ sockets: BenchSocket[]; failures: Map<string, number> }> {
  const sockets: BenchSocket[] = [];
  const failures = new Map<string, number>();
  for (let opened = 0; opened < count; opened += batch) {
    const size = Math.min(batch, count - opened);
    const results = await Promise.allSettled(Array.from({ length: size }, () => BenchSocket.open(url, timeoutMs)));
    for (const r of results) {
      if (r.status === "fulfilled") sockets.push(r.value);
      else {
        const why = r.reason instanceof Error ? r.reason.message : String(r.reason);
        failures.set(why, (failures.get(why) ?? 0) + 1);
      }
    }
  }
  return { sockets, failures };
}

export async function closeAll(sockets: BenchSocket[]): Promise<void> {
  await Promise.all(sockets.map((s) => s.close()));
}
