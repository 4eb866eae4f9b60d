// One client connection speaking protocol v1: validates every frame at the boundary, keeps the
// connection's current session, allows one turn in flight, routes tool answers to that turn,
// and resumes a session from the turn journal. A bad frame gets an error and changes nothing else.
import type { Identity, IdentityLimiter } from "../../shared/auth/index.js";
import { parseClientFrame, type ClientFrame, type MessageFrame, type UploadRequestFrame } from "../../shared/protocol/client-frames.js";
import type { ErrorCode } from "../../shared/protocol/error-codes.js";
import { endAbandonedTurn } from "../../shared/journal/abandon-turn.js";
import type { TurnJournal, TurnStatus } from "../../shared/journal/turn-journal.js";
import type { AgentBinding } from "./agent-binding.js";
import type { FacadeMediaSetting } from "./facade-media.js";
import type { FacadeLimits } from "./facade-options.js";
import { FrameWriter } from "./frame-writer.js";
import type { Logger } from "./logger.js";
import { ConnectionMedia } from "./media-frames.js";
import { CLOSE_GOING_AWAY, CLOSE_NORMAL, type ProtocolSocket } from "./protocol-socket.js";
import type { CallContext } from "./runtime-port.js";
import type { SessionOwners } from "./session-owners.js";
import { TokenBucket } from "./token-bucket.js";
import { TurnFollower } from "./turn-follower.js";
import { TurnRunner } from "./turn-runner.js";
import { utf8Length } from "./utf8-length.js";

export interface ResumeRequest {
  sessionId: string;
  /** The last seq the client saw; null: from the start of the latest turn. */
  afterSeq: number | null;
}

export interface ConnectionDeps {
  agent: AgentBinding;
  limits: FacadeLimits;
  journal: TurnJournal;
  /** False when the journal keeps no frames (OMNIA_TURN_JOURNAL=off): resume is refused. */
  resumable: boolean;
  /** This facade as the journal names turn owners. */
  owner: string;
  logger: Logger;
  newId: () => string;
  workspace?: string;
  /** The session a new socket starts on (default: a fresh id). */
  sessionId?: string;
  /** Called when the connection has no turn in flight any more, and when it closes. */
  onIdle: (connection: FacadeConnection) => void;
  /** Who the socket belongs to (anonymous for an open agent). */
  identity: Identity;
  /** Set for an agent with auth: sessions belong to who made them. */
  owners?: SessionOwners;
  /** Set for an agent with auth: messages per identity. */
  limiter?: IdentityLimiter;
  /** Gives back the identity's connection slot when the socket closes. */
  release?: () => void;
  /** The facade's media (uploads over the socket, storage_ref parts); absent: not enabled. */
  media?: FacadeMediaSetting;
}

/** The one answer for a session that is not the caller's, whether or not it exists. */
const NOT_YOURS = "does not exist or belongs to another identity";

export class FacadeConnection {
  sessionId: string;
  private readonly out = new FrameWriter();
  private readonly bucket: TokenBucket;
  private turn: TurnRunner | null = null;
  private follower: TurnFollower | null = null;
  private preparing = false;
  /** A resume is replaying or following; a message then waits in `queued`. */
  private resuming = false;
  private queued: MessageFrame | null = null;
  private isShut = false;
  /** The session this connection's identity is known to own (checked once per session). */
  private ownedSession: string | null = null;
  private readonly media: ConnectionMedia;

  constructor(private readonly deps: ConnectionDeps) {
    this.sessionId = deps.sessionId ?? deps.newId();
    this.bucket = new TokenBucket(deps.limits.ratePerSecond, deps.limits.rateBurst);
    this.media = new ConnectionMedia(deps.media, this.out, deps.logger);
  }

  /** A turn is in flight or being started. */
  get busy(): boolean {
    return this.turn !== null || this.follower !== null || this.preparing;
  }

  get isClosed(): boolean {
    return this.isShut;
  }

  /** Starts the protocol: `connected` at once, or after the journal was found when resuming (`?resume=`). */
  open(socket: ProtocolSocket, resume?: ResumeRequest): void {
    this.out.attach(socket);
    if (!resume) {
      this.out.connected(this.sessionId, this.deps.limits.maxFrameBytes);
      return;
    }
    this.runExclusive(() => this.resume(resume, true), "could not resume the session", true);
  }

  /** A socket this facade accepted before and now serves again (after hibernation): nothing is sent. */
  restore(socket: ProtocolSocket): void {
    this.out.attach(socket);
    this.media.follow(this.sessionId);
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
    this.deps.release?.();
    this.media.close();
    this.out.detach();
    this.turn?.clientGone();
    this.follower?.stop();
    this.deps.onIdle(this);
  }

  /** Server shutdown: close now if idle; a busy connection is closed by drainIfIdle when its turn ends. */
  drainIfIdle(): boolean {
    if (this.busy || this.isShut) return false;
    this.out.close(CLOSE_GOING_AWAY, "server shutting down");
    this.closed();
    return true;
  }

  /** The drain timed out: the client goes (to resume elsewhere); a running turn is left to the runtime. */
  forceClose(): void {
    if (this.isShut) return;
    this.out.close(CLOSE_GOING_AWAY, "server shutting down");
    this.closed();
  }

  private dispatch(frame: ClientFrame): void {
    switch (frame.type) {
      case "message": {
        const allowed = this.deps.limiter?.takeMessage(this.deps.identity.subject);
        if (allowed && !allowed.ok) {
          this.error("RATE_LIMITED", allowed.message, this.sessionId, { retry_after_seconds: allowed.retryAfterSeconds });
          return;
        }
        if (this.resuming && this.queued === null) {
          // Sent right after `connected` while the replay still runs: it goes once the replay ends.
          this.queued = frame;
          return;
        }
        if (this.busy) {
          this.error("RATE_LIMITED", "a turn is already in flight on this connection; wait for its done or error");
          return;
        }
        this.runExclusive(() => this.startTurn(frame), "the facade could not start the turn; try again");
        return;
      }
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
        // Not the turn's exclusive work: a client may upload while the agent answers.
        this.requestUpload(frame).catch((err: unknown) => {
          this.deps.logger.error({ session_id: this.sessionId, err: String(err) }, "upload request failed");
          this.error("UPLOAD_FAILED", "the facade could not prepare the upload; try again");
        });
        return;
      case "resume":
        if (this.busy) {
          this.error("RATE_LIMITED", "a turn is in flight on this connection; resume after its done or error");
          return;
        }
        this.runExclusive(() => this.resume({ sessionId: frame.session_id, afterSeq: frame.after_seq }, false), "could not resume the session", true);
        return;
      case "hangup":
        this.follower?.stop();
        this.turn?.cancel();
        this.out.close(CLOSE_NORMAL, "hangup");
        this.closed();
        return;
    }
  }

  /** `upload_request`: media for the connection's session, which this identity then owns. */
  private async requestUpload(frame: UploadRequestFrame): Promise<void> {
    const sessionId = frame.session_id ?? this.sessionId;
    if (sessionId !== this.sessionId) {
      this.error("SESSION_NOT_FOUND", `session "${sessionId}" is not the session of this connection; uploads go to the connection's session`, sessionId);
      return;
    }
    if (!(await this.ownSession(sessionId, "claim")) || this.isShut) return;
    await this.media.requestUpload(sessionId, frame.upload_request);
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

  /** Runs a turn or a resume as the connection's one piece of work; an unexpected failure is reported, never thrown. */
  private runExclusive(work: () => Promise<void>, failure: string, resuming = false): void {
    this.preparing = true;
    this.resuming = resuming;
    work()
      .catch((err: unknown) => {
        this.deps.logger.error({ session_id: this.sessionId, err: String(err) }, failure);
        this.error("INTERNAL_ERROR", failure);
      })
      .finally(() => {
        this.preparing = false;
        this.resuming = false;
        this.turn = null;
        this.follower = null;
        const queued = this.queued;
        this.queued = null;
        if (queued && !this.isShut) this.dispatch(queued);
        else this.deps.onIdle(this);
      });
  }

  private async startTurn(frame: MessageFrame): Promise<void> {
    const parts = frame.parts ?? [];
    if ((frame.content ?? "") === "" && parts.length === 0) {
      this.error("INVALID_MESSAGE", "message needs content or parts");
      return;
    }
    const sessionId = await this.resolveSession(frame.session_id);
    if (sessionId === null || this.isShut) return;
    if (!(await this.ownSession(sessionId, "claim")) || this.isShut) return;
    // Parts naming uploaded media go on only once that media is there and matches its request.
    if (!(await this.media.checkParts(sessionId, parts)) || this.isShut) return;
    const context = this.callContext(sessionId);
    const lastSeq = await this.beginTurn(sessionId, context.requestId);
    if (lastSeq === null || this.isShut) return;
    const stream = this.deps.agent.runtime.converse({
      sessionId,
      content: frame.content ?? "",
      parts,
      metadata: frame.metadata ?? {},
      context,
    });
    const { journal, owner } = this.deps;
    const turn = new TurnRunner(sessionId, context.requestId, stream, this.out, { journal, owner, lastSeq }, this.deps.limits, this.deps.logger);
    this.turn = turn;
    const outcome = await turn.run();
    this.turn = null;
    if (outcome.kind === "taken_over" && !this.isShut) await this.follow(sessionId, outcome.lastSentSeq);
  }

  /** Makes this facade the owner of the session's next turn; the journal's last seq, or null when refused (and answered). */
  private async beginTurn(sessionId: string, turnId: string): Promise<number | null> {
    const { journal, owner } = this.deps;
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const begun = await journal.begin(sessionId, turnId, owner);
        if (begun.ok) return begun.lastSeq;
        if (begun.running.leaseAlive) break;
        // Its owner died without anyone to finish it: end it for whoever resumes it, then go on.
        await endAbandonedTurn(journal, sessionId, begun.running.turnId, owner);
      }
      this.error("RATE_LIMITED", `a turn is already running in session "${sessionId}" (on another connection or replica); resume it or wait for its done or error`);
    } catch (err) {
      this.error("AGENT_UNAVAILABLE", `the turn journal is unavailable, so no turn can start; try again (${err instanceof Error ? err.message : String(err)})`);
    }
    return null;
  }

  /**
   * Replays the session's journal after the client's last seq and follows a running turn to its
   * end. On a new socket (`?resume=`) `connected` names the resumed session, or a fresh one when it
   * cannot be resumed.
   */
  private async resume(request: ResumeRequest, onOpen: boolean): Promise<void> {
    const refuse = (code: ErrorCode, message: string) => {
      if (onOpen) this.out.connected(this.sessionId, this.deps.limits.maxFrameBytes);
      this.error(code, message, request.sessionId);
    };
    if (!this.deps.resumable) {
      refuse("INVALID_MESSAGE", "resume is switched off on this facade (OMNIA_TURN_JOURNAL=off)");
      return;
    }
    const ownership = await this.ownership(request.sessionId, "check");
    if (this.isShut) return;
    if (ownership !== "owned") {
      if (ownership === "unavailable") refuse("AGENT_UNAVAILABLE", "the session store could not be asked who owns this session; try again");
      else refuse("UNAUTHORIZED", `session "${request.sessionId}" ${NOT_YOURS}`);
      return;
    }
    const adopt = (turn?: TurnStatus) => {
      this.sessionId = request.sessionId;
      this.out.connected(request.sessionId, this.deps.limits.maxFrameBytes, { lastSeq: turn?.lastSeq ?? 0, turnRunning: turn?.running ?? false });
    };
    const outcome = await this.follow(request.sessionId, request.afterSeq, adopt);
    if (outcome === "failed" && this.sessionId !== request.sessionId) {
      refuse("AGENT_UNAVAILABLE", "the turn journal could not be read to resume the session; try again");
    }
    if (outcome !== "no_journal" || this.isShut) return;
    // No turn journaled (none finished yet, or the journal expired): the conversation may still exist.
    const state = await this.deps.agent.runtime.hasConversation(request.sessionId, this.callContext(request.sessionId)).catch(() => "unavailable" as const);
    if (this.isShut) return;
    if (state === "resumable") adopt();
    else if (state === "not_found") refuse("SESSION_EXPIRED", `session "${request.sessionId}" has expired or does not exist; send a message without session_id to start a new one`);
    else refuse("AGENT_UNAVAILABLE", "the agent runtime could not be asked about this session; try again");
  }

  /** Sends the journal after `afterSeq` and the live rest of the turn; a journal failure is reported to the client. */
  private async follow(sessionId: string, afterSeq: number | null, found?: (turn: TurnStatus) => void): Promise<"ended" | "stopped" | "no_journal" | "failed"> {
    const follower = new TurnFollower(this.deps.journal, sessionId, afterSeq, (frame) => this.out.raw(frame), this.deps.owner, found);
    this.follower = follower;
    try {
      return await follower.run();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.deps.logger.warn({ session_id: sessionId, err: reason }, "following the turn journal failed");
      if (this.sessionId === sessionId) this.error("AGENT_UNAVAILABLE", `lost the turn journal while following the turn; reconnect to resume it (${reason})`, sessionId);
      return "failed";
    } finally {
      this.follower = null;
    }
  }

  /** The session a message continues, starts or reconnects to; null when it was refused. */
  private async resolveSession(requested: string | undefined): Promise<string | null> {
    if (requested === undefined) {
      this.sessionId = this.deps.newId();
      this.out.connected(this.sessionId, this.deps.limits.maxFrameBytes);
      return this.sessionId;
    }
    if (requested === this.sessionId) return requested;
    if (!(await this.ownSession(requested, "check"))) return null;
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

  /** Whether this identity may use the session; answers the client when it may not. */
  private async ownSession(sessionId: string, how: "claim" | "check"): Promise<boolean> {
    const ownership = await this.ownership(sessionId, how);
    if (ownership === "owned" || this.isShut) return ownership === "owned";
    if (ownership === "unavailable") this.error("AGENT_UNAVAILABLE", "the session store could not be asked who owns this session; try again", sessionId);
    else this.error("UNAUTHORIZED", `session "${sessionId}" ${NOT_YOURS}`, sessionId);
    return false;
  }

  /**
   * `claim` makes a session nobody owns this identity's (the connection's fresh session on its
   * first turn); `check` requires it to be this identity's already (a reconnect or resume).
   */
  private async ownership(sessionId: string, how: "claim" | "check"): Promise<"owned" | "not_owned" | "unavailable"> {
    const { owners, identity } = this.deps;
    if (!owners || this.ownedSession === sessionId) return "owned";
    try {
      const owned = how === "claim" ? await owners.claim(sessionId, identity.subject) : await owners.owns(sessionId, identity.subject);
      if (!owned) return "not_owned";
      this.ownedSession = sessionId;
      return "owned";
    } catch (err) {
      this.deps.logger.warn({ session_id: sessionId, err: err instanceof Error ? err.message : String(err) }, "session owner lookup failed");
      return "unavailable";
    }
  }

  private callContext(sessionId: string): CallContext {
    const context: CallContext = {
      agentName: this.deps.agent.name,
      namespace: this.deps.agent.namespace,
      sessionId,
      requestId: this.deps.newId(),
    };
    if (this.deps.workspace !== undefined) context.workspace = this.deps.workspace;
    if (this.deps.identity.method !== "none") context.identity = this.deps.identity;
    return context;
  }

  private error(code: ErrorCode, message: string, sessionId: string = this.sessionId, details?: Record<string, unknown>): void {
    this.out.error(sessionId, code, message, details);
  }
}
