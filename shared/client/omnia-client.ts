// A client of protocol v1 (PROTOCOL.md section 1) for browsers, Workers and Node: sends messages as
// turns, runs client-side tools, and keeps the session across dropped sockets. A socket that closes
// without close() being called is reopened with exponential backoff, asking the server to resume the
// session after the last `seq` seen; replayed frames at or below that seq are dropped, so the
// application sees each frame once and a turn in flight goes on streaming into the same Turn.
import type { ServerFrame, ToolCallFrame } from "../protocol/server-frames.js";
import { backoffDelay, resolveBackoff, type BackoffPolicy } from "./backoff.js";
import type {
  ConnectionState,
  MessageFrameInput,
  OmniaClientEvents,
  OmniaClientOptions,
  OutgoingFrame,
  SendOptions,
  StateChange,
  WebSocketConstructor,
} from "./client-types.js";
import { Listeners } from "./listeners.js";
import { OmniaError, OmniaTurnError, type OmniaErrorCode } from "./omnia-error.js";
import { readServerFrame } from "./read-server-frame.js";
import { runToolCall } from "./run-tool-call.js";
import { socketUrl } from "./socket-url.js";
import { frameText, isTurnFrame, type TurnFrame } from "./turn-frame.js";
import { Turn, type TurnControl } from "./turn.js";

const OPEN = 1;
const CLOSE_NORMAL = 1000;
// After a reconnect that did not resume, a server may still say why (SESSION_EXPIRED) in its next
// frame; the turn in flight waits this long for that before it fails with CONNECTION_LOST.
const RESUME_VERDICT_GRACE_MS = 300;
const CLOSE_WAIT_MS = 2_000;

type ErrorFrame = Extract<ServerFrame, { type: "error" }>;

/** One socket: frames and closes of a socket that is no longer the current one are ignored. */
interface Link {
  ws: WebSocket;
  /** Its first `connected` has arrived. */
  connected: boolean;
  closed: Promise<void>;
}

interface PendingTurn {
  turn: Turn;
  control: TurnControl;
  content: string;
  options: SendOptions;
  /** The message went out on a socket (it may still have been lost with it). */
  sent: boolean;
  turnId?: string;
  verdictTimer?: ReturnType<typeof setTimeout>;
}

export class OmniaClient {
  readonly #options: OmniaClientOptions;
  readonly #backoff: BackoffPolicy;
  readonly #WebSocket: WebSocketConstructor;
  readonly #events = new Listeners<OmniaClientEvents>();
  #state: ConnectionState = "idle";
  #link: Link | null = null;
  #sessionId: string | undefined;
  /** The runtime has seen this session, so naming it in a message continues it. */
  #sessionKnown: boolean;
  /** The session the server gave the current socket (may differ from #sessionId until a message names ours). */
  #socketSessionId: string | undefined;
  #lastSeq: number;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Open since the last connect(): a later drop reconnects, while a first connect that fails gives up. */
  #hasOpened = false;
  #openWaiters: Array<{ resolve: () => void; reject: (error: OmniaError) => void }> = [];
  #pending: PendingTurn | null = null;

  constructor(options: OmniaClientOptions) {
    this.#options = options;
    this.#backoff = resolveBackoff(options.backoff);
    const ctor = options.WebSocket ?? (typeof WebSocket === "undefined" ? undefined : WebSocket);
    if (!ctor) throw new TypeError("no WebSocket: this runtime has no global WebSocket; pass options.WebSocket");
    this.#WebSocket = ctor;
    this.#sessionId = options.sessionId;
    this.#sessionKnown = options.sessionId !== undefined;
    this.#lastSeq = options.lastSeq ?? 0;
  }

  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The highest `seq` delivered to the application in this session. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  on<K extends keyof OmniaClientEvents>(event: K, listener: (value: OmniaClientEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** Resolves on the first `connected`; rejects if that first socket closes before it, or on close(). */
  connect(): Promise<void> {
    if (this.#state === "open") return Promise.resolve();
    const opened = new Promise<void>((resolve, reject) => this.#openWaiters.push({ resolve, reject }));
    if (this.#state === "idle" || this.#state === "closed") {
      this.#hasOpened = false;
      this.#attempt = 0;
      this.#setState({ state: "connecting" });
      this.#openSocket();
    }
    return opened;
  }

  /** Sends a message; the Turn streams its answer. One turn at a time: wait for `done` before the next. */
  send(content: string, options: SendOptions = {}): Turn {
    let control: TurnControl | undefined;
    const turn = new Turn((c) => (control = c));
    if (!control) throw new Error("unreachable: Turn hands out its control at construction");
    if (this.#state === "idle" || this.#state === "closed") {
      const why = this.#state === "idle" ? "call connect() before send()" : "the client is closed; call connect() to reconnect";
      control.fail(new OmniaTurnError("NOT_CONNECTED", why));
    } else if (this.#pending) {
      control.fail(new OmniaTurnError("RATE_LIMITED", "a turn is already in flight on this client; wait for its done before sending the next message"));
    } else {
      this.#pending = { turn, control, content, options, sent: false };
      // While (re)connecting the message waits for the socket.
      if (this.#state === "open") this.#sendMessage(this.#pending);
    }
    return turn;
  }

  /** Hangs up (the session ends on purpose), closes the socket and stops reconnecting. */
  async close(): Promise<void> {
    if (this.#state === "idle" || this.#state === "closed") return;
    clearTimeout(this.#retryTimer);
    const link = this.#link;
    this.#link = null;
    if (link) {
      if (link.ws.readyState === OPEN) {
        const hangup: OutgoingFrame = this.#sessionId === undefined ? { type: "hangup" } : { type: "hangup", session_id: this.#sessionId };
        link.ws.send(JSON.stringify(hangup));
      }
      link.ws.close(CLOSE_NORMAL, "client closed");
    }
    const error = new OmniaError("CLIENT_CLOSED", "the client was closed");
    this.#failPending("CLIENT_CLOSED", "the client was closed before the turn ended");
    this.#setState({ state: "closed" });
    this.#rejectOpenWaiters(error);
    if (link) await Promise.race([link.closed, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS))]);
  }

  #openSocket(): void {
    const resume = this.#sessionId === undefined ? undefined : { sessionId: this.#sessionId, afterSeq: this.#lastSeq };
    const url = socketUrl({ url: this.#options.url, agent: this.#options.agent, namespace: this.#options.namespace, resume });
    let ws: WebSocket;
    try {
      ws = new this.#WebSocket(url);
    } catch (err) {
      this.#socketEnded(null, 1006, err instanceof Error ? err.message : String(err));
      return;
    }
    let markClosed: () => void = () => {};
    const link: Link = { ws, connected: false, closed: new Promise<void>((resolve) => (markClosed = resolve)) };
    this.#link = link;
    ws.addEventListener("message", (event) => {
      if (this.#link === link) this.#receive(link, event.data);
    });
    ws.addEventListener("close", (event) => {
      markClosed();
      if (this.#link === link) this.#socketEnded(link, event.code, event.reason);
    });
  }

  #socketEnded(link: Link | null, code: number, reason: string): void {
    if (link) this.#link = null;
    if (!this.#hasOpened) {
      // The first connection failed: give up and say so, rather than retry a wrong URL forever.
      this.#setState({ state: "closed", code, reason });
      const why = `could not connect to ${this.#options.url} (socket closed with ${code}${reason ? ` ${reason}` : ""})`;
      this.#failPending("NOT_CONNECTED", why);
      this.#rejectOpenWaiters(new OmniaError("NOT_CONNECTED", why));
      return;
    }
    this.#attempt++;
    const delayMs = backoffDelay(this.#attempt, this.#backoff);
    this.#setState({ state: "reconnecting", attempt: this.#attempt, delayMs, code, reason });
    this.#retryTimer = setTimeout(() => this.#openSocket(), delayMs);
  }

  #receive(link: Link, data: unknown): void {
    const read = readServerFrame(data);
    if (!read.ok) {
      this.#events.emit("invalidFrame", { raw: typeof data === "string" ? data.slice(0, 2_000) : "<binary>", problem: read.problem });
      return;
    }
    const frame = read.frame;
    const seq = frame.type === "connected" ? undefined : frame.seq;
    const duplicate = seq !== undefined && seq <= this.#lastSeq;
    this.#events.emit("frame", { frame, duplicate });
    if (duplicate) return;
    if (frame.type === "connected") return this.#connected(link, frame);
    if (!isTurnFrame(frame)) return this.#plainError(frame);
    this.#lastSeq = frame.seq;
    this.#turnFrame(link, frame);
  }

  #connected(link: Link, frame: Extract<ServerFrame, { type: "connected" }>): void {
    const first = !link.connected;
    link.connected = true;
    this.#socketSessionId = frame.session_id;
    const previous = this.#sessionId;
    if (!first && frame.session_id === previous) return;
    if (!first || previous === undefined) {
      // A new session: the first ever, or one the server started mid-connection.
      this.#adopt(frame.session_id, previous);
    } else if (frame.session_id === previous || frame.connected.resumed === true) {
      this.#sessionId = frame.session_id;
      this.#events.emit("session", { sessionId: frame.session_id, resumed: true });
      this.#resendIfLost(frame.connected);
    } else {
      // Not resumed: a turn in flight cannot go on here; the session may, through the next message.
      this.#awaitResumeVerdict();
      if (this.#sessionKnown) this.#events.emit("session", { sessionId: previous, resumed: false });
      else this.#adopt(frame.session_id, previous);
    }
    if (!first) return;
    this.#hasOpened = true;
    this.#attempt = 0;
    this.#setState({ state: "open" });
    for (const waiter of this.#openWaiters.splice(0)) waiter.resolve();
    if (this.#pending && !this.#pending.sent) this.#sendMessage(this.#pending);
  }

  /**
   * A message that went out on the dropped socket but started no turn we have seen: when the
   * server has journaled nothing past our last seq and runs no turn, it never arrived. Send it again.
   */
  #resendIfLost(resumed: Extract<ServerFrame, { type: "connected" }>["connected"]): void {
    const pending = this.#pending;
    if (!pending?.sent || pending.turnId !== undefined) return;
    if (resumed.turn_running === false && resumed.last_seq !== undefined && resumed.last_seq <= this.#lastSeq) pending.sent = false;
  }

  #adopt(sessionId: string, previous: string | undefined): void {
    this.#sessionId = sessionId;
    this.#sessionKnown = false;
    this.#lastSeq = 0;
    this.#events.emit("session", previous === undefined ? { sessionId, resumed: false } : { sessionId, resumed: false, previous });
  }

  #awaitResumeVerdict(): void {
    const pending = this.#pending;
    if (!pending?.sent || pending.verdictTimer) return;
    pending.verdictTimer = setTimeout(() => {
      if (this.#pending === pending) this.#failPending("CONNECTION_LOST", "the connection dropped during the turn and the server did not resume the session");
    }, RESUME_VERDICT_GRACE_MS);
  }

  /** An error without seq: the answer to our message when a turn awaits its start, else a lone error. */
  #plainError(frame: ErrorFrame): void {
    const { code, message, details } = frame.error;
    const sessionCode = code === "SESSION_EXPIRED" || code === "SESSION_NOT_FOUND";
    const aboutOurs = frame.session_id === undefined || frame.session_id === this.#sessionId;
    if (sessionCode && aboutOurs && this.#sessionId !== undefined) {
      // Our session is gone: go on in the socket's own session, where seqs start again.
      const gone = this.#sessionId;
      if (this.#socketSessionId !== undefined && this.#socketSessionId !== gone) this.#adopt(this.#socketSessionId, gone);
      else this.#sessionKnown = false;
    }
    const pending = this.#pending;
    if (pending?.sent && (pending.turnId === undefined || (sessionCode && aboutOurs))) {
      this.#settle(pending, (control) => control.fail(new OmniaTurnError(code, message, pending.turnId, details)));
      return;
    }
    // About a session this client has already left: its session event said so.
    if (sessionCode && !aboutOurs) return;
    this.#events.emit("error", new OmniaError(code, message, details));
  }

  #turnFrame(link: Link, frame: TurnFrame): void {
    const pending = this.#pending;
    if (pending?.sent && pending.turnId === undefined) {
      pending.turnId = frame.turn_id;
      pending.control.bind(frame.turn_id);
      this.#sessionKnown = true;
    }
    // Frames of other turns (an earlier turn's replay, another client on the session) go only to the frame event.
    if (!pending || pending.turnId !== frame.turn_id) return;
    clearTimeout(pending.verdictTimer);
    pending.verdictTimer = undefined;
    switch (frame.type) {
      case "chunk":
        pending.control.chunk(frameText(frame));
        return;
      case "tool_call":
        void this.#runTool(link, pending, frame.tool_call);
        return;
      case "done": {
        const { parts, usage, turn_id } = frame;
        this.#settle(pending, (control) => control.finish({ content: frameText(frame), turnId: turn_id, ...(parts ? { parts } : {}), ...(usage ? { usage } : {}) }));
        return;
      }
      case "error":
        this.#settle(pending, (control) => control.fail(new OmniaTurnError(frame.error.code, frame.error.message, frame.turn_id, frame.error.details)));
        return;
    }
  }

  async #runTool(link: Link, pending: PendingTurn, wire: ToolCallFrame["tool_call"]): Promise<void> {
    const { id, name } = wire;
    const handler = this.#options.onToolCall;
    if (!handler) {
      this.#write(link, { type: "tool_call_nack", tool_call_nack: { call_id: id, reason: `this client runs no client-side tools (asked for ${name})` } });
      return;
    }
    this.#write(link, { type: "tool_call_ack", tool_call_ack: { call_id: id } });
    const result = await runToolCall(wire, handler, pending.turn);
    if (pending.turn.settled) {
      this.#events.emit("error", new OmniaError("TOOL_FAILED", `the answer to tool call ${name} (${id}) came after its turn had ended; it was not sent`));
    } else if (!this.#write(link, { type: "tool_result", tool_result: result })) {
      // The server rejected the call when the socket dropped; the turn goes on with that rejection.
      this.#events.emit("error", new OmniaError("CONNECTION_LOST", `the answer to tool call ${name} (${id}) could not be delivered: the connection it came on dropped`));
    }
  }

  #sendMessage(pending: PendingTurn): void {
    const { content, options } = pending;
    const frame: MessageFrameInput = { type: "message", content };
    if (this.#sessionId !== undefined) frame.session_id = this.#sessionId;
    if (options.parts) frame.parts = options.parts;
    if (options.metadata) frame.metadata = options.metadata;
    if (this.#link && this.#write(this.#link, frame)) pending.sent = true;
  }

  /** Sends on `link` if it is still the open socket; JSON.stringify errors are the caller's. */
  #write(link: Link, frame: OutgoingFrame): boolean {
    if (this.#link !== link || link.ws.readyState !== OPEN) return false;
    link.ws.send(JSON.stringify(frame));
    return true;
  }

  #settle(pending: PendingTurn, end: (control: TurnControl) => void): void {
    clearTimeout(pending.verdictTimer);
    if (this.#pending === pending) this.#pending = null;
    end(pending.control);
  }

  #failPending(code: OmniaErrorCode, message: string): void {
    const pending = this.#pending;
    if (pending) this.#settle(pending, (control) => control.fail(new OmniaTurnError(code, message, pending.turnId)));
  }

  #rejectOpenWaiters(error: OmniaError): void {
    for (const waiter of this.#openWaiters.splice(0)) waiter.reject(error);
  }

  #setState(change: StateChange): void {
    this.#state = change.state;
    this.#events.emit("state", change);
  }
}
