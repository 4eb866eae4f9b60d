// A test client for protocol v1 over a real socket: records every server frame, checks each
// against the shared frame schemas, and lets a test wait for the frame it expects.
import * as v from "valibot";
import WebSocket from "ws";
import { ServerFrameSchema, type ServerFrame } from "../../shared/protocol/server-frames.js";

export interface CloseInfo {
  code: number;
  reason: string;
}

export class ProtocolClient {
  readonly frames: ServerFrame[] = [];
  /** Frames that did not match the protocol's schemas: a conformance failure by itself. */
  readonly invalidFrames: Array<{ raw: string; problem: string }> = [];
  closed: CloseInfo | null = null;
  private waiters: Array<() => void> = [];
  private readIndex = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data, isBinary) => {
      const raw = isBinary ? "<binary>" : data.toString();
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        this.invalidFrames.push({ raw, problem: "not JSON" });
        return this.wake();
      }
      const parsed = v.safeParse(ServerFrameSchema, json);
      if (!parsed.success) {
        this.invalidFrames.push({ raw, problem: parsed.issues.map((i) => `${i.path?.map((p) => p.key).join(".")}: ${i.message}`).join("; ") });
      } else {
        this.frames.push(parsed.output);
      }
      this.wake();
    });
    socket.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static connect(url: string, options: WebSocket.ClientOptions = {}): Promise<ProtocolClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, options);
      const client = new ProtocolClient(socket);
      socket.once("open", () => resolve(client));
      socket.once("unexpected-response", (_req, res) => reject(new UpgradeRefused(res.statusCode ?? 0)));
      socket.once("error", reject);
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The next unread frame of this type matching the predicate (unread frames before it are skipped). */
  next<T extends ServerFrame["type"]>(
    type: T,
    timeoutMs = 10_000,
    predicate: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    return this.nextWhere(
      (f): f is Extract<ServerFrame, { type: T }> => f.type === type && predicate(f as Extract<ServerFrame, { type: T }>),
      timeoutMs,
      type,
    );
  }

  async nextWhere<F extends ServerFrame>(match: (f: ServerFrame) => f is F, timeoutMs: number, what = "matching"): Promise<F> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.readIndex < this.frames.length) {
        const frame = this.frames[this.readIndex++] as ServerFrame;
        if (match(frame)) return frame;
      }
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting for a ${what} frame`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} frame within ${timeoutMs} ms; last frames: ${JSON.stringify(this.frames.slice(-3))}`);
      await this.sleepUntilWoken(left);
    }
  }

  /** The frames of the turn up to and including its done or turn-ending error. */
  async turn(timeoutMs = 15_000): Promise<{ frames: ServerFrame[]; end: ServerFrame }> {
    const start = this.readIndex;
    const end = await this.nextWhere(
      (f): f is ServerFrame => f.type === "done" || (f.type === "error" && f.turn_id !== undefined),
      timeoutMs,
      "done or turn-ending error",
    );
    return { frames: this.frames.slice(start, this.readIndex), end };
  }

  /** Frames received and not yet read by next/turn. */
  unread(): ServerFrame[] {
    return this.frames.slice(this.readIndex);
  }

  async waitClosed(timeoutMs = 10_000): Promise<CloseInfo> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`socket not closed within ${timeoutMs} ms`);
      await this.sleepUntilWoken(left);
    }
    return this.closed;
  }

  close(): void {
    this.socket.close();
  }

  private sleepUntilWoken(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}
