// Writes one turn's frames to the journal as their owner, in order, before anyone sends them.
// Frames that arrive while an append is in flight go together in the next one (group commit):
// under load a batch of frames costs one round trip, and an idle turn waits for none. The lease
// is renewed while frames are scarce (a slow model, a client tool), and given up when the turn ends.
import type { JournalEntry, TurnJournal } from "./turn-journal.js";

export interface JournalWriterListener {
  /** Frames now in the journal, in seq order: they may be sent. */
  appended(entries: JournalEntry[]): void;
  /**
   * The writer stopped: another owner has the turn (`not_owner`: a runtime took it over, or a
   * follower ended it after the lease expired), or the journal failed. `unsent` were not journaled.
   */
  stopped(reason: "not_owner" | "unavailable", unsent: JournalEntry[], error?: unknown): void;
}

export class JournalWriter {
  private queue: JournalEntry[] = [];
  private queuedEvents = 0;
  private writing = false;
  private isStopped = false;
  private ended = false;
  private lastWriteAt = Date.now();
  private readonly renewer: ReturnType<typeof setInterval>;

  constructor(
    private readonly journal: TurnJournal,
    readonly sessionId: string,
    readonly turnId: string,
    private readonly owner: string,
    /** The journal's last seq: this writer's frames follow it. */
    private lastSeq: number,
    private readonly listener: JournalWriterListener,
  ) {
    const every = Math.max(50, Math.floor(journal.leaseMs / 3));
    this.renewer = setInterval(() => this.renew(every), every);
  }

  /** The seq of the last frame handed to push. */
  get seq(): number {
    return this.lastSeq;
  }

  get stopped(): boolean {
    return this.isStopped;
  }

  /**
   * Queues a frame built for the next seq; `events` is how many runtime events the journal will
   * then account for. An `end` frame is the turn's last.
   */
  push(build: (seq: number) => string, end: boolean, events: number): void {
    if (this.isStopped || this.ended) return;
    const seq = ++this.lastSeq;
    this.queue.push({ seq, frame: build(seq), end });
    this.queuedEvents = events;
    if (end) this.ended = true;
    if (!this.writing) void this.flush();
  }

  /** Stops renewing the lease and writing; frames still queued are dropped. */
  stop(): void {
    this.isStopped = true;
    clearInterval(this.renewer);
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0 && !this.isStopped) {
      const batch = this.queue;
      this.queue = [];
      let result;
      try {
        result = await this.journal.append(this.sessionId, this.turnId, this.owner, batch, this.queuedEvents);
      } catch (err) {
        return this.fail("unavailable", batch, err);
      }
      if (result === "not_owner") return this.fail("not_owner", batch);
      this.lastWriteAt = Date.now();
      if (batch[batch.length - 1]?.end) this.stop();
      this.listener.appended(batch);
    }
    this.writing = false;
  }

  private fail(reason: "not_owner" | "unavailable", batch: JournalEntry[], error?: unknown): void {
    const unsent = [...batch, ...this.queue];
    this.queue = [];
    this.writing = false;
    this.stop();
    this.listener.stopped(reason, unsent, error);
  }

  private renew(every: number): void {
    if (this.isStopped || this.writing || Date.now() - this.lastWriteAt < every) return;
    this.journal.renew(this.sessionId, this.turnId, this.owner).then(
      (owned) => {
        if (owned) this.lastWriteAt = Date.now();
        else if (!this.isStopped && !this.writing) this.fail("not_owner", []);
      },
      // An outage shows on the next append; until then the lease may lapse, which followers handle.
      () => {},
    );
  }
}
