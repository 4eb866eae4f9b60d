// Waits for new journal entries of many sessions on one blocking Redis connection: a single
// XREAD BLOCK names every stream being followed, so a thousand resumed clients cost one
// connection, not a thousand. A wait added while the read is blocked gets the read restarted
// (CLIENT UNBLOCK) so it is included at once.
import type { Redis } from "ioredis";

/** One stream entry as XREAD/XRANGE give it: id and the flat field list. */
export type RawStreamEntry = [id: string, fields: string[]];

interface Wait {
  key: string;
  after: number;
  settle(entries: RawStreamEntry[] | Error): void;
}

const UNBLOCK_RETRIES = 20;

export class RedisStreamWaiter {
  private readonly waits = new Set<Wait>();
  private blocker: Redis | undefined;
  private blockerId: number | undefined;
  private running = false;
  /** Increments with every XREAD sent, so a restart request knows whether its read is still the one blocked. */
  private readGeneration = 0;
  private blocked = false;
  private closed = false;

  constructor(
    private readonly main: Redis,
    private readonly blockMs = 1_000,
  ) {}

  /** Entries after seq `after` of the stream `key`, or [] once `timeoutMs` passed. */
  wait(key: string, after: number, timeoutMs: number): Promise<RawStreamEntry[]> {
    return new Promise((resolve, reject) => {
      const wait: Wait = {
        key,
        after,
        settle: (entries) => {
          clearTimeout(timer);
          this.waits.delete(wait);
          if (entries instanceof Error) reject(entries);
          else resolve(entries);
        },
      };
      const timer = setTimeout(() => wait.settle([]), timeoutMs);
      this.waits.add(wait);
      if (!this.running) void this.loop();
      else if (this.blocked) void this.restartRead(this.readGeneration);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wait of [...this.waits]) wait.settle([]);
    this.blocker?.disconnect();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.waits.size > 0 && !this.closed) {
        const blocker = await this.connection();
        const from = new Map<string, number>();
        for (const wait of this.waits) from.set(wait.key, Math.min(from.get(wait.key) ?? Number.MAX_SAFE_INTEGER, wait.after));
        const keys = [...from.keys()];
        this.readGeneration += 1;
        this.blocked = true;
        let reply: [key: string, entries: RawStreamEntry[]][] | null;
        try {
          reply = (await blocker.xread("BLOCK", this.blockMs, "STREAMS", ...keys, ...keys.map((k) => `${from.get(k)}-0`))) as typeof reply;
        } finally {
          this.blocked = false;
        }
        for (const [key, entries] of reply ?? []) {
          for (const wait of [...this.waits]) {
            if (wait.key !== key) continue;
            const mine = entries.filter(([id]) => Number.parseInt(id, 10) > wait.after);
            if (mine.length > 0) wait.settle(mine);
          }
        }
      }
    } catch (err) {
      const failure = err instanceof Error ? err : new Error(String(err));
      for (const wait of [...this.waits]) wait.settle(failure);
    } finally {
      this.running = false;
    }
  }

  private async connection(): Promise<Redis> {
    if (!this.blocker) {
      // No command timeout shorter than the block itself; the rest of the options are the main connection's.
      this.blocker = this.main.duplicate({ commandTimeout: this.blockMs + 2_000 });
      this.blocker.on("error", () => {});
      this.blocker.on("ready", () => void (this.blockerId = undefined));
    }
    if (this.blockerId === undefined) this.blockerId = Number(await this.blocker.client("ID"));
    return this.blocker;
  }

  /** Ends the blocked XREAD of this generation early; retried while the read has not reached Redis yet. */
  private async restartRead(generation: number): Promise<void> {
    for (let attempt = 0; attempt < UNBLOCK_RETRIES; attempt++) {
      if (!this.blocked || this.readGeneration !== generation || this.blockerId === undefined) return;
      const unblocked = await this.main.client("UNBLOCK", this.blockerId).catch(() => 1);
      if (unblocked === 1) return;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}
