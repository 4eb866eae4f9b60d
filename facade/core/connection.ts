// One client connection speaking protocol v1: validates every frame at the boundary, keeps the
// connection's current session, allows one turn in flight, and routes tool answers to that turn.
// A bad frame gets an error and changes nothing else.
import { parseClientFrame, type ClientFrame, type MessageFrame } from "../../shared/protocol/client-frames.js";
import type { ErrorCode } from "../../shared/protocol/error-codes.js";
import type { AgentBinding } from "./agent-binding.js";
import type { FacadeLimits } from "./facade-options.js";
import { FrameWriter } from "./frame-writer.js";
import type { Logger } from "./logger.js";
import { CLOSE_GOING_AWAY, CLOSE_NORMAL, type ProtocolSocket } from "./protocol-socket.js";
import type { CallContext } from "./runtime-port.js";
import type { SessionSequences } from "./session-sequences.js";
import { TokenBucket } from "./token-bucket.js";
import { TurnRunner } from "./turn-runner.js";
import { utf8Length } from "./utf8-length.js";

export interface ConnectionDeps {
  agent: AgentBinding;
  limits: FacadeLimits;
  sequences: SessionSequences;
  logger: Logger;
  newId: () => string;
  workspace?: string;
  /** Called when the connection has no turn in flight any more, and when it closes. */
  onIdle: (connection: FacadeConnection) => void;
}

export class FacadeConnection {
  sessionId: string;
  private readonly out = new FrameWriter();
  private readonly bucket: TokenBucket;
  private turn: TurnRunner | null = null;
  private preparing = false;
  private isShut = false;

  constructor(private readonly deps: ConnectionDeps) {
    this.sessionId = deps.newId();
    this.bucket = new TokenBucket(deps.limits.ratePerSecond, deps.limits.rateBurst);
  }

  /** A turn is in flight or being started. */
  get busy(): boolean {
    return this.turn !== null || this.preparing;
  }

  get isClosed(): boolean {
    return this.isShut;
  }

  open(socket: ProtocolSocket): void {
    this.out.attach(socket);
    this.out.connected(this.sessionId, this.deps.limits.maxFrameBytes);
  }

  receive(data: string | ArrayBuffer | Uint8Array): void {
    if (this.isShut) return;
    if (!this.bucket.take()) {
      this.error("RATE_LIMITED", `more than ${this.deps.limits.ratePerSecond} frames a second (burst ${this.deps.limits.rateBurst}); frame dropped`);
      return;
    }
    if (typeof data !== "string") {
      this.error("INVALID_MESSAGE", "binary frames are not enabled on this connection (binary_frames=false); send JSON text frames");
      return;
    }
    const max = this.deps.limits.maxFrameBytes;
    if (data.length > max || (data.length * 3 > max && utf8Length(data) > max)) {
      this.error("INVALID_MESSAGE", `frame of ${utf8Length(data)} bytes exceeds the limit of ${max} bytes`);
      return;
    }
    const parsed = parseClientFrame(data);
    if (!parsed.ok) {
      this.error("INVALID_MESSAGE", parsed.message);
      return;
    }
    this.dispatch(parsed.frame);
  }

  /** The socket closed, whoever closed it. */
  closed(): void {
    if (this.isShut) return;
    this.isShut = true;
    this.out.detach();
    this.turn?.clientGone();
    this.deps.onIdle(this);
  }

  /** Server shutdown: close now if idle; a busy connection is closed by drainIfIdle when its turn ends. */
  drainIfIdle(): boolean {
    if (this.busy || this.isShut) return false;
    this.out.close(CLOSE_GOING_AWAY, "server shutting down");
    this.closed();
    return true;
  }

  forceClose(): void {
    if (this.isShut) return;
    this.turn?.cancel();
    this.out.close(CLOSE_GOING_AWAY, "server shutting down");
    this.closed();
  }

  private dispatch(frame: ClientFrame): void {
    switch (frame.type) {
      case "message":
        this.startTurn(frame).catch((err: unknown) => {
          this.turn = null;
          this.deps.logger.error({ session_id: this.sessionId, err: String(err) }, "could not start a turn");
          this.error("INTERNAL_ERROR", "the facade could not start the turn; try again");
          this.deps.onIdle(this);
        });
        return;
      case "tool_result": {
        const turn = this.turnFor(frame.session_id, frame.tool_result.call_id);
        if (turn && !turn.toolCalls.answer(frame.tool_result.call_id, frame.tool_result.result, frame.tool_result.error)) {
          this.noPendingCall(frame.tool_result.call_id);
        }
        return;
      }
      case "tool_call_ack": {
        const turn = this.turnFor(frame.session_id, frame.tool_call_ack.call_id);
        if (turn && !turn.toolCalls.ack(frame.tool_call_ack.call_id)) this.noPendingCall(frame.tool_call_ack.call_id);
        return;
      }
      case "tool_call_nack": {
        const { call_id, reason } = frame.tool_call_nack;
        const turn = this.turnFor(frame.session_id, call_id);
        if (turn && !turn.toolCalls.reject(call_id, reason ?? "the client declined the tool call")) this.noPendingCall(call_id);
        return;
      }
      case "upload_request":
        this.error("MEDIA_NOT_ENABLED", "media uploads are not enabled for this agent");
        return;
      case "resume":
        this.error("INVALID_MESSAGE", "resume is not available on this facade yet; reconnect with a message naming the session_id");
        return;
      case "hangup":
        this.turn?.cancel();
        this.out.close(CLOSE_NORMAL, "hangup");
        this.closed();
        return;
    }
  }

  /** The turn a tool frame may address, or null after answering with the error. */
  private turnFor(sessionId: string | undefined, callId: string): TurnRunner | null {
    if (sessionId !== undefined && sessionId !== this.sessionId) {
      this.error("SESSION_NOT_FOUND", `session "${sessionId}" is not the session of this connection`);
      return null;
    }
    if (!this.turn) {
      this.noPendingCall(callId);
      return null;
    }
    return this.turn;
  }

  private noPendingCall(callId: string): void {
    this.error("INVALID_MESSAGE", `no pending tool call with call_id "${callId.slice(0, 64)}"`);
  }

  private async startTurn(frame: MessageFrame): Promise<void> {
    if (this.busy) {
      this.error("RATE_LIMITED", "a turn is already in flight on this connection; wait for its done or error");
      return;
    }
    const parts = frame.parts ?? [];
    if (parts.some((p) => p.media?.storage_ref !== undefined)) {
      this.error("MEDIA_NOT_ENABLED", "this message refers to uploaded media, but media storage is not enabled for this agent");
      return;
    }
    if ((frame.content ?? "") === "" && parts.length === 0) {
      this.error("INVALID_MESSAGE", "message needs content or parts");
      return;
    }
    this.preparing = true;
    try {
      const sessionId = await this.resolveSession(frame.session_id);
      if (sessionId === null || this.isShut) return;
      const context = this.callContext(sessionId);
      const stream = this.deps.agent.runtime.converse({
        sessionId,
        content: frame.content ?? "",
        parts,
        metadata: frame.metadata ?? {},
        context,
      });
      this.turn = new TurnRunner(sessionId, context.requestId, stream, this.out, this.deps.sequences.counter(sessionId), this.deps.limits, this.deps.logger);
    } finally {
      this.preparing = false;
    }
    const turn = this.turn;
    if (!turn) return;
    await turn.run();
    this.turn = null;
    this.deps.onIdle(this);
  }

  /** The session a message continues, starts or reconnects to; null when it was refused. */
  private async resolveSession(requested: string | undefined): Promise<string | null> {
    if (requested === undefined) {
      this.sessionId = this.deps.newId();
      this.out.connected(this.sessionId, this.deps.limits.maxFrameBytes);
      return this.sessionId;
    }
    if (requested === this.sessionId) return requested;
    const state = await this.deps.agent.runtime
      .hasConversation(requested, this.callContext(requested))
      .catch(() => "unavailable" as const);
    if (this.isShut) return null;
    if (state === "resumable") {
      this.sessionId = requested;
      return requested;
    }
    if (state === "not_found") {
      this.error("SESSION_EXPIRED", `session "${requested}" has expired or does not exist; send the message without session_id to start a new one`, requested);
    } else {
      this.error("AGENT_UNAVAILABLE", "the agent runtime could not be asked about this session; try again", requested);
    }
    return null;
  }

  private callContext(sessionId: string): CallContext {
    const context: CallContext = {
      agentName: this.deps.agent.name,
      namespace: this.deps.agent.namespace,
      sessionId,
      requestId: this.deps.newId(),
    };
    if (this.deps.workspace !== undefined) context.workspace = this.deps.workspace;
    return context;
  }

  private error(code: ErrorCode, message: string, sessionId: string = this.sessionId): void {
    this.out.error(sessionId, code, message);
  }
}
