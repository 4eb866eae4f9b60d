// The turn journal in Redis through ioredis (whose types stay in this folder): shared by every
// facade replica and the runtime, so a client resumes anywhere and a runtime can finish the
// turn of a facade that died. Key layout and scripts: redis-journal-scripts.ts.
import { FailFastRedis } from "../redis/fail-fast-redis.js";
import { RedisStreamWaiter } from "./redis-stream-waiter.js";
import { JOURNAL_SCRIPTS, ScriptedTurnJournal, toEntry, type JournalScript } from "./scripted-turn-journal.js";
import { JournalUnavailableError, type JournalEntry } from "./turn-journal.js";

export interface RedisTurnJournalOptions {
  url: string;
  ttlMs: number;
  leaseMs: number;
  keyPrefix?: string;
}

const COMMANDS: Record<JournalScript, string> = {
  begin: "journalBegin",
  append: "journalAppend",
  renew: "journalRenew",
  claim: "journalClaim",
  read: "journalRead",
};

export class RedisTurnJournal extends ScriptedTurnJournal {
  private readonly connection: FailFastRedis;
  private readonly waiter: RedisStreamWaiter;

  constructor({ url, ttlMs, leaseMs, keyPrefix = "" }: RedisTurnJournalOptions) {
    super(leaseMs, ttlMs, keyPrefix);
    this.connection = new FailFastRedis(url);
    for (const [script, lua] of Object.entries(JOURNAL_SCRIPTS)) {
      this.connection.redis.defineCommand(COMMANDS[script as JournalScript], { numberOfKeys: 3, lua });
    }
    this.waiter = new RedisStreamWaiter(this.connection.redis);
  }

  async wait(sessionId: string, afterSeq: number, timeoutMs: number): Promise<JournalEntry[]> {
    this.checkConnected();
    try {
      return (await this.waiter.wait(this.keys(sessionId)[1], afterSeq, timeoutMs)).map(toEntry);
    } catch (err) {
      throw this.unavailable(err instanceof Error ? err.message : String(err));
    }
  }

  async close(): Promise<void> {
    await this.waiter.close();
    await this.connection.close();
  }

  protected async runScript(script: JournalScript, keys: string[], args: (string | number)[]): Promise<unknown> {
    this.checkConnected();
    try {
      return await this.connection.script(COMMANDS[script], [...keys, ...args]);
    } catch (err) {
      throw this.unavailable(err instanceof Error ? err.message : String(err));
    }
  }

  private checkConnected(): void {
    const notReady = this.connection.notReady();
    if (notReady) throw this.unavailable(notReady);
  }

  private unavailable(reason: string): JournalUnavailableError {
    return new JournalUnavailableError(`turn journal unavailable: ${this.connection.describe(reason)}`);
  }
}
