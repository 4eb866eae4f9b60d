// One turn as a caller drives it, whatever carries it (Converse on grpc-js, ConverseTurn and
// SendTurnInput on gRPC-web). The turn's message starts it; client tool results and `cancel` (the
// client hung up: stop, store nothing) may follow. After the turn's Done or Error the call stays
// open until the caller says it has finished, which it does once it has journaled the end: a call
// that breaks before that, without `cancel`, is a caller that died, and the turn is finished here
// and journaled for the client to resume (turn-takeover.ts).
import type { Logger } from "pino";
import type { ClientMessage, ClientToolResult, ServerMessage } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import type { TurnJournal } from "../../shared/journal/turn-journal.js";
import type { ConversationEngine } from "../engine/conversation-engine.js";
import type { Turn, TurnEvent } from "../engine/turn-events.js";
import { LazyLogger } from "../lazy-logger.js";
import { identityLogFields, type CallIdentity } from "./call-identity.js";
import { errorMessage, toServerMessage } from "./to-server-message.js";
import { TurnTakeover } from "./turn-takeover.js";
import { toTurnInput, turnRequestProblem } from "./turn-request.js";

/** The call as the session sees it: the transport adapters fill this in. */
export interface TurnSink {
  /** Sends one message; returns a promise only when the caller is slow and the next send should wait for it. */
  send(message: ServerMessage): Promise<void> | undefined;
  /** Ends the call successfully (no-op when it is gone). */
  end(): void;
  /** The call is gone: cancelled by the caller or cut; nothing sent reaches anyone. */
  readonly gone: boolean;
}

export interface TurnSessionOptions {
  engine: ConversationEngine;
  logger: Logger;
  /** The facades' journal, shared through Redis; without it an orphaned turn is finished but not journaled. */
  journal?: TurnJournal | undefined;
  /** This runtime as a turn owner in the journal. */
  owner: string;
}

/** How long the call waits, after the turn's end, for the caller to finish before ending anyway. */
const CALLER_FINISH_WAIT_MS = 10_000;

export class TurnSession {
  private readonly abort = new AbortController();
  private readonly sent: TurnEvent[] = [];
  private log: LazyLogger;
  private turn: Turn | undefined;
  private sessionId = "";
  private hasStarted = false;
  /** The caller has everything it needs (and journaled the turn's end). */
  private callerDone = false;
  private turnWritten = false;
  private ended = false;
  private orphaned = false;
  private takeover: TurnTakeover | undefined;
  private finishTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: TurnSessionOptions,
    private readonly identity: CallIdentity,
    private readonly sink: TurnSink,
  ) {
    this.log = new LazyLogger(options.logger, identityLogFields(identity));
  }

  get started(): boolean {
    return this.hasStarted;
  }

  /** The turn's message: starts the turn, or answers INVALID_MESSAGE and ends the call. */
  start(message: ClientMessage): void {
    this.hasStarted = true;
    const problem = turnRequestProblem(message);
    if (problem) {
      this.log.info({ reason: problem }, "converse rejected");
      void this.reject(problem);
      return;
    }
    this.sessionId = message.sessionId;
    this.log = this.log.child({ session_id: message.sessionId });
    const turn = this.options.engine.startTurn(toTurnInput(message, this.identity, this.abort.signal));
    this.turn = turn;
    void this.pump(turn).then(() => this.turnEnded());
  }

  /** Hands a client tool result to the turn; false when no call with that id is pending. */
  deliverToolResult(result: ClientToolResult | undefined): boolean {
    if (!result) {
      this.log.info("ignored a message without client_tool_result after the turn started");
      return false;
    }
    const delivered =
      this.turn?.deliverToolResult(
        result.callId,
        result.isRejected ? { rejected: true, reason: result.rejectionReason || "rejected by the client" } : { rejected: false, resultJson: result.resultJson },
      ) ?? false;
    if (!delivered) this.log.info({ call_id: result.callId }, "ignored a client tool result for no pending call");
    return delivered;
  }

  /** The client hung up on purpose: stop the turn and store nothing. */
  cancel(): void {
    this.log.info("turn cancelled: the client hung up");
    this.abort.abort(new Error("the client hung up"));
  }

  /** The caller needs nothing more: the call ends as soon as the turn has. */
  callerFinished(): void {
    this.callerDone = true;
    if (this.turnWritten) return this.end();
    // The caller finished without ever sending the turn's message.
    if (!this.hasStarted) {
      this.hasStarted = true;
      void this.reject("the stream ended before a message was sent");
    }
  }

  /** The call broke. Before the caller finished and without `cancel`, that is a caller that died. */
  callBroken(): void {
    if (this.callerDone || this.ended || this.orphaned) return;
    const turn = this.turn;
    if (this.abort.signal.aborted || !turn) return void this.abort.abort(new Error("the caller cancelled the call"));
    this.orphaned = true;
    turn.detachClient("the client's facade went away");
    const { journal, owner } = this.options;
    if (!journal || !this.identity.requestId) {
      this.log.info("facade gone mid-turn; finishing the turn without a journal");
      return;
    }
    this.takeover = new TurnTakeover(journal, owner, this.sessionId, this.identity.requestId, this.sent, this.log, (reason) => this.abort.abort(new Error(reason)));
    void this.takeover.start();
  }

  /** Streams the turn's events to the caller while it is there; after that, to the takeover. */
  private async pump(turn: Turn): Promise<void> {
    const { journal } = this.options;
    try {
      for await (const event of turn) {
        if (journal) this.sent.push(event);
        if (this.orphaned) {
          this.takeover?.catchUp();
          continue;
        }
        if (this.sink.gone) continue;
        const drained = this.sink.send(toServerMessage(event));
        if (drained) await drained;
      }
    } catch (err) {
      this.log.error({ err }, "converse stream failed");
    }
  }

  private turnEnded(): void {
    this.turnWritten = true;
    if (this.callerDone || this.orphaned || this.sink.gone) return this.end();
    this.finishTimer = setTimeout(() => this.end(), CALLER_FINISH_WAIT_MS);
  }

  private async reject(problem: string): Promise<void> {
    await this.sink.send(errorMessage("INVALID_MESSAGE", problem));
    this.end();
  }

  private end(): void {
    clearTimeout(this.finishTimer);
    if (this.ended) return;
    this.ended = true;
    this.sink.end();
  }
}
