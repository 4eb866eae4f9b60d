// Runs one turn as its owner: each runtime event becomes a turn frame with the session's next
// seq, goes to the journal, and reaches the client only once journaled, so a client that
// reconnects anywhere can resume it. The turn ends with exactly one done or error; it goes on
// when the client's socket goes away (the runtime finishes and stores it), and it is handed
// over when someone else took ownership (a runtime that saw this facade as dead).
import { JournalWriter } from "../../shared/journal/journal-writer.js";
import type { JournalEntry, TurnJournal } from "../../shared/journal/turn-journal.js";
import { endsTurn, turnFrameJson, type TurnFrameEvent } from "../../shared/protocol/turn-frames.js";
import { ClientToolCalls } from "./client-tool-calls.js";
import type { FacadeLimits } from "./facade-options.js";
import type { FrameWriter } from "./frame-writer.js";
import type { Logger } from "./logger.js";
import type { RuntimeEvent, RuntimeUnavailableError, TurnStream } from "./runtime-port.js";

export type TurnOutcome =
  /** The turn's done or error is journaled and was sent to the client, if it is still there. */
  | { kind: "ended" }
  /** Another owner writes the rest of the turn: the client follows the journal after `lastSentSeq`. */
  | { kind: "taken_over"; lastSentSeq: number };

export interface TurnOwnership {
  journal: TurnJournal;
  owner: string;
  /** The journal's last seq when the turn began. */
  lastSeq: number;
}

export class TurnRunner {
  readonly toolCalls: ClientToolCalls;
  private readonly writer: JournalWriter;
  private events = 0;
  private ended = false;
  private lastSentSeq: number;
  private finished: (outcome: TurnOutcome) => void = () => {};

  constructor(
    readonly sessionId: string,
    readonly turnId: string,
    private readonly stream: TurnStream,
    private viewer: FrameWriter | null,
    ownership: TurnOwnership,
    limits: FacadeLimits,
    private readonly logger: Logger,
  ) {
    this.lastSentSeq = ownership.lastSeq;
    this.toolCalls = new ClientToolCalls(limits.clientToolAckTimeoutMs, limits.clientToolTimeoutMs, (result) =>
      stream.sendToolResult(result),
    );
    this.writer = new JournalWriter(ownership.journal, sessionId, turnId, ownership.owner, ownership.lastSeq, {
      appended: (entries) => this.journaled(entries),
      stopped: (reason, unsent, error) => this.writerStopped(reason, unsent, error),
    });
  }

  /** Resolves once the turn has ended here or was handed over; never rejects. */
  run(): Promise<TurnOutcome> {
    return new Promise((resolve) => {
      this.finished = (outcome) => {
        this.toolCalls.clear();
        resolve(outcome);
      };
      this.stream.listen({
        event: (event) => {
          this.events += 1;
          if (!this.ended) this.forward(event);
        },
        end: (error?: RuntimeUnavailableError) => {
          if (this.ended) return;
          const message = error ? error.message : "the agent runtime ended the turn without a result";
          this.logger.warn({ session_id: this.sessionId, turn_id: this.turnId, reason: message }, "turn lost its runtime");
          this.push({ type: "error", code: "AGENT_UNAVAILABLE", message });
        },
      });
    });
  }

  /** The client hung up on purpose: the runtime stops, and the journal ends the turn for anyone resuming it. */
  cancel(): void {
    this.viewer = null;
    if (!this.ended) this.push({ type: "error", code: "INTERNAL_ERROR", message: "the turn was cancelled: the client hung up" });
    this.stream.cancel();
  }

  /** The socket is gone: the turn goes on into the journal, but nothing waits on the client. */
  clientGone(): void {
    this.viewer = null;
    this.toolCalls.rejectAll("the client disconnected");
  }

  private forward(event: RuntimeEvent): void {
    if (event.type !== "tool_call") return this.push(event);
    if (!event.client) return; // server-side calls are the runtime's business
    if (!this.viewer?.attached) {
      // Nobody can run it: reject at once rather than wait for the timeouts.
      this.stream.sendToolResult({ callId: event.id, resultJson: "", rejected: true, rejectionReason: "the client disconnected" });
      return;
    }
    // Registered before its frame can reach the client, so a fast answer always finds it.
    this.toolCalls.register(event.id);
    this.push(event);
  }

  private push(event: TurnFrameEvent): void {
    const end = endsTurn(event);
    if (end) this.ended = true;
    this.writer.push((seq) => turnFrameJson(event, this.sessionId, seq, this.turnId), end, this.events);
  }

  private journaled(entries: JournalEntry[]): void {
    for (const entry of entries) {
      this.viewer?.raw(entry.frame);
      this.lastSentSeq = entry.seq;
      if (entry.end) {
        this.stream.finish();
        this.finished({ kind: "ended" });
      }
    }
  }

  private writerStopped(reason: "not_owner" | "unavailable", unsent: JournalEntry[], error: unknown): void {
    this.ended = true;
    // Either way this facade no longer feeds the turn: the new owner has its own stream, and
    // without a journal the answer must not be stored as if the client had seen it.
    this.stream.cancel();
    if (reason === "not_owner") {
      this.logger.info({ session_id: this.sessionId, turn_id: this.turnId }, "turn taken over by another owner");
      this.finished({ kind: "taken_over", lastSentSeq: this.lastSentSeq });
      return;
    }
    const message = `the turn journal failed, so the turn cannot be kept resumable and was stopped: ${error instanceof Error ? error.message : String(error)}`;
    this.logger.error({ session_id: this.sessionId, turn_id: this.turnId, err: message }, "turn journal failed");
    const seq = unsent[0]?.seq ?? this.lastSentSeq + 1;
    this.viewer?.raw(turnFrameJson({ type: "error", code: "AGENT_UNAVAILABLE", message }, this.sessionId, seq, this.turnId));
    this.finished({ kind: "ended" });
  }
}
