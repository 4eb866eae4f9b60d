// A ConverseTurn response as the TurnSession's sink: what the session sends is queued and handed
// to Connect as the handler's async iterable, which pulls the next message once the previous one
// is written (so a slow caller holds the turn back instead of the runtime buffering an answer). A
// Heartbeat goes out whenever nothing else was sent for `heartbeatMs`, so proxies keep a quiet
// stream (a slow model, a client tool) open.
import type { ServerMessage } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import type { TurnSink } from "../grpc/turn-session.js";

// Messages queued before send() asks the session to wait (about what grpc-js buffers before write() returns false).
const HIGH_WATER = 32;

const HEARTBEAT: ServerMessage = { $typeName: "omnia.runtime.v1.ServerMessage", message: { case: "heartbeat", value: { $typeName: "omnia.runtime.v1.Heartbeat" } } };

export class ConverseTurnStream implements TurnSink {
  private queue: ServerMessage[] = [];
  private head = 0;
  private ended = false;
  private cut = false;
  private wake: (() => void) | undefined;
  private drained: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly heartbeat: ReturnType<typeof setTimeout>;

  constructor(heartbeatMs: number) {
    this.heartbeat = setTimeout(() => this.beat(), heartbeatMs);
  }

  get gone(): boolean {
    return this.cut;
  }

  /** The session ended the call (rather than the call being cut). */
  get closed(): boolean {
    return this.ended;
  }

  send(message: ServerMessage): Promise<void> | undefined {
    if (this.ended || this.cut) return undefined;
    this.queue.push(message);
    this.heartbeat.refresh();
    this.wakeReader();
    if (this.queue.length - this.head < HIGH_WATER) return undefined;
    if (!this.drained) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => (resolve = r));
      this.drained = { promise, resolve };
    }
    return this.drained.promise;
  }

  /** The session is done: the stream ends once what is queued was written. */
  end(): void {
    this.ended = true;
    this.stop();
  }

  /** The call was cut (the caller's request aborted): drop what is queued and stop. */
  abandon(): void {
    this.cut = true;
    this.stop();
    this.release();
  }

  async *messages(): AsyncGenerator<ServerMessage> {
    for (;;) {
      if (this.cut) return;
      const message = this.queue[this.head];
      if (message !== undefined) {
        this.head += 1;
        if (this.head === this.queue.length) {
          this.queue = [];
          this.head = 0;
        }
        if (this.queue.length - this.head < HIGH_WATER / 2) this.release();
        yield message;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private stop(): void {
    clearTimeout(this.heartbeat);
    this.wakeReader();
  }

  private beat(): void {
    // send() refreshes the timer, so the next beat follows this one by heartbeatMs too.
    this.send(HEARTBEAT);
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private release(): void {
    const drained = this.drained;
    this.drained = undefined;
    drained?.resolve();
  }
}
