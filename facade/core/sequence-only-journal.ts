// The journal switched off (OMNIA_TURN_JOURNAL=off): frames are not kept, so nothing can be
// resumed, but seq still increases per session across turns and one turn runs per session.
// Sequences live in a bounded map; the least recently used sessions are forgotten first.
import type { AppendResult, BeginResult, JournalEntry, JournalSnapshot, TurnJournal, TurnStatus } from "../../shared/journal/turn-journal.js";

interface Sequence {
  lastSeq: number;
  running: string | null;
}

export class SequenceOnlyJournal implements TurnJournal {
  readonly leaseMs = 60 * 60_000;
  private readonly sessions = new Map<string, Sequence>();

  constructor(private readonly capacity = 100_000) {}

  async begin(sessionId: string, turnId: string, owner: string): Promise<BeginResult> {
    const sequence = this.touched(sessionId);
    if (sequence.running !== null) {
      const running: TurnStatus = { turnId: sequence.running, owner, running: true, leaseAlive: true, startSeq: 0, lastSeq: sequence.lastSeq, events: 0 };
      return { ok: false, running };
    }
    sequence.running = turnId;
    return { ok: true, lastSeq: sequence.lastSeq };
  }

  async append(sessionId: string, turnId: string, _owner: string, entries: JournalEntry[]): Promise<AppendResult> {
    const sequence = this.touched(sessionId);
    if (sequence.running !== turnId) return "not_owner";
    for (const entry of entries) {
      sequence.lastSeq = entry.seq;
      if (entry.end) sequence.running = null;
    }
    return "ok";
  }

  async renew(): Promise<boolean> {
    return true;
  }

  async claim(): Promise<TurnStatus | null> {
    return null;
  }

  async read(): Promise<JournalSnapshot> {
    return { entries: [], turn: null };
  }

  async wait(): Promise<JournalEntry[]> {
    return [];
  }

  async close(): Promise<void> {}

  private touched(sessionId: string): Sequence {
    const sequence = this.sessions.get(sessionId) ?? { lastSeq: 0, running: null };
    this.sessions.delete(sessionId);
    this.sessions.set(sessionId, sequence);
    if (this.sessions.size > this.capacity) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    return sequence;
  }
}
