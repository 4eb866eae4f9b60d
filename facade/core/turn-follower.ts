// Replays a session's journal to a resumed client and follows the running turn to its end,
// whichever process owns it: every frame after the client's last seq, once each, in order.
// A turn whose owner's lease has expired (facade and runtime both gone) is ended here with one
// error, so the client is never left waiting and the session never stays "in a turn".
import { endAbandonedTurn } from "../../shared/journal/abandon-turn.js";
import type { JournalEntry, TurnJournal, TurnStatus } from "../../shared/journal/turn-journal.js";

export type FollowOutcome =
  /** Every frame up to the end of the latest turn was sent. */
  | "ended"
  /** The session has no journal (never had a turn, expired, or unknown); nothing was sent. */
  | "no_journal"
  /** Stopped by the connection (hangup, socket closed). */
  | "stopped";

/** How long one wait for new frames lasts before the owner's lease is checked again. */
const WAIT_MS = 1_000;

export class TurnFollower {
  private lastSeq: number;
  private isStopped = false;
  /** Seq of the first frame of the turn being followed: only its end ends the follow. */
  private turnStart = Number.MAX_SAFE_INTEGER;

  constructor(
    private readonly journal: TurnJournal,
    private readonly sessionId: string,
    /** The last seq the client saw; null: from the start of the latest turn. */
    private readonly afterSeq: number | null,
    private readonly send: (frame: string) => void,
    /** Who ends an abandoned turn, as the journal records it. */
    private readonly owner: string,
    /** Called once the journal is found, before the first replayed frame. */
    private readonly found: (turn: TurnStatus) => void = () => {},
  ) {
    this.lastSeq = afterSeq ?? -1;
  }

  /** Rejects only when the journal fails (the caller tells the client). */
  async run(): Promise<FollowOutcome> {
    const snapshot = await this.journal.read(this.sessionId, this.afterSeq);
    let turn = snapshot.turn;
    if (!turn) return "no_journal";
    this.turnStart = turn.startSeq;
    this.found(turn);
    if (this.deliver(snapshot.entries)) return "ended";
    while (!this.isStopped) {
      if (!turn?.running) {
        // Ended meanwhile: pick up what was appended since the read.
        if (turn && turn.lastSeq > this.lastSeq && this.deliver((await this.journal.read(this.sessionId, this.lastSeq)).entries)) return "ended";
        return this.isStopped ? "stopped" : "ended";
      }
      const entries = await this.journal.wait(this.sessionId, Math.max(this.lastSeq, turn.startSeq - 1), WAIT_MS);
      if (this.deliver(entries)) return "ended";
      if (entries.length > 0) continue;
      const status = await this.journal.read(this.sessionId, this.lastSeq);
      if (this.deliver(status.entries)) return "ended";
      turn = status.turn;
      if (turn?.running && !turn.leaseAlive) {
        await endAbandonedTurn(this.journal, this.sessionId, turn.turnId, this.owner);
      }
    }
    return "stopped";
  }

  stop(): void {
    this.isStopped = true;
  }

  /** Sends the entries the client has not seen; true once the turn's end was sent. */
  private deliver(entries: JournalEntry[]): boolean {
    for (const entry of entries) {
      if (this.isStopped) return false;
      if (entry.seq <= this.lastSeq) continue;
      this.send(entry.frame);
      this.lastSeq = entry.seq;
      if (entry.end && entry.seq >= this.turnStart) return true;
    }
    return false;
  }
}
