// `seq` strictly increases per session across turns. Until the turn journal keeps it in the
// session store, a bounded map in the facade holds each session's last seq; the least recently
// used sessions are forgotten first when it is full.
export interface SequenceCounter {
  last: number;
}

export class SessionSequences {
  private readonly counters = new Map<string, SequenceCounter>();

  constructor(private readonly capacity = 100_000) {}

  /** The session's counter, marked as just used; a turn increments `last` for each frame. */
  counter(sessionId: string): SequenceCounter {
    const counter = this.counters.get(sessionId) ?? { last: 0 };
    this.counters.delete(sessionId);
    this.counters.set(sessionId, counter);
    if (this.counters.size > this.capacity) {
      const oldest = this.counters.keys().next().value;
      if (oldest !== undefined) this.counters.delete(oldest);
    }
    return counter;
  }
}
