// `seq` strictly increases per session across turns. Until the turn journal keeps it in the
// session store, a bounded map in the facade holds each session's last seq; the oldest sessions
// are forgotten first when it is full.
export class SessionSequences {
  private readonly last = new Map<string, number>();

  constructor(private readonly capacity = 100_000) {}

  next(sessionId: string): number {
    const value = (this.last.get(sessionId) ?? 0) + 1;
    this.last.delete(sessionId);
    this.last.set(sessionId, value);
    if (this.last.size > this.capacity) {
      const oldest = this.last.keys().next().value;
      if (oldest !== undefined) this.last.delete(oldest);
    }
    return value;
  }
}
