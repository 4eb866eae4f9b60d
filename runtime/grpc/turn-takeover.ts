// When the facade that owns a turn goes away mid-stream (killed, or its connection to us cut),
// the runtime finishes the turn and writes the rest of its frames to the journal itself, as the
// turn's new owner, so a client that resumes on another facade receives them. The journal says
// how many events the facade had journaled; the ones it never got are written again from `sent`.
import { JournalWriter } from "../../shared/journal/journal-writer.js";
import type { TurnJournal } from "../../shared/journal/turn-journal.js";
import { endsTurn, turnFrameJson, type TurnFrameEvent } from "../../shared/protocol/turn-frames.js";
import type { TurnEvent } from "../engine/turn-events.js";
import type { LazyLogger } from "../lazy-logger.js";

export class TurnTakeover {
  private writer: JournalWriter | undefined;
  private cursor = 0;

  constructor(
    private readonly journal: TurnJournal,
    private readonly owner: string,
    private readonly sessionId: string,
    private readonly turnId: string,
    /** Every event of the turn so far, in order; grows as the turn goes on. */
    private readonly sent: readonly TurnEvent[],
    private readonly log: LazyLogger,
    /** Stops the turn unsaved: its facade (or a follower) already ended it in the journal. */
    private readonly abort: (reason: string) => void,
  ) {}

  async start(): Promise<void> {
    let claimed;
    try {
      claimed = await this.journal.claim(this.sessionId, this.turnId, this.owner, false);
      if (!claimed) {
        const latest = (await this.journal.read(this.sessionId, Number.MAX_SAFE_INTEGER)).turn;
        if (latest?.turnId === this.turnId) {
          // The client was told how the turn ended; storing another ending would contradict it.
          this.log.info("the turn already ended in the journal; stopping it");
          this.abort("the turn was ended by its facade");
        } else {
          this.log.warn("the turn is not in the journal (is the facade's journal in the same Redis?); finishing it without journaling");
        }
        return;
      }
    } catch (err) {
      this.log.warn({ err }, "cannot take the turn over: the journal is unavailable; finishing it without journaling");
      return;
    }
    this.log.info({ journaled_events: claimed.events, events: this.sent.length }, "facade gone mid-turn; taking the turn over");
    this.cursor = claimed.events;
    this.writer = new JournalWriter(this.journal, this.sessionId, this.turnId, this.owner, claimed.lastSeq, {
      appended: () => {},
      stopped: (reason, _unsent, error) => this.log.warn({ reason, err: error }, "stopped journaling the taken-over turn"),
    });
    this.catchUp();
  }

  /** Journals the events not journaled yet (call after each new one). */
  catchUp(): void {
    const writer = this.writer;
    if (!writer) return;
    while (this.cursor < this.sent.length) {
      const event = this.sent[this.cursor++];
      const frame = event ? toFrameEvent(event) : undefined;
      if (!frame) continue;
      writer.push((seq) => turnFrameJson(frame, this.sessionId, seq, this.turnId), endsTurn(frame), this.cursor);
    }
  }
}

/** The frame a resumed client gets for an event; none for tool calls, which no client can answer now. */
function toFrameEvent(event: TurnEvent): TurnFrameEvent | undefined {
  switch (event.type) {
    case "chunk":
      return { type: "chunk", content: event.text };
    case "tool_call":
      return undefined;
    case "done":
      return { type: "done", content: event.finalContent, parts: [], usage: event.usage };
    case "error":
      return event;
  }
}
