// The turn journal in Redis through Upstash's REST API, for the edge facade (workerd has no TCP
// Redis client). Same keys, same Lua scripts and same TTL and lease rules as redis-turn-journal.ts,
// so a session begun at the edge resumes in a pod and back. REST cannot block: `wait` polls the
// stream with a short interval that grows while nothing comes.
import * as v from "valibot";
import { UpstashRest, type UpstashRestOptions } from "../redis/upstash-rest.js";
import { EntriesReply, JOURNAL_SCRIPTS, ScriptedTurnJournal, toEntry, type JournalScript } from "./scripted-turn-journal.js";
import { JournalUnavailableError, type JournalEntry } from "./turn-journal.js";

/** Polling of `wait`: first re-read after this long, doubling up to the cap while nothing comes. */
const POLL_FIRST_MS = 25;
const POLL_MAX_MS = 250;

export interface UpstashTurnJournalOptions {
  /** The database's REST URL. */
  url: string;
  /** Its REST token. */
  token: string;
  ttlMs: number;
  leaseMs: number;
  keyPrefix?: string;
  requestTimeoutMs?: number;
  /** A ready @upstash/redis client (tests); url and token still name it in errors. */
  client?: UpstashRestOptions["client"];
}

export class UpstashTurnJournal extends ScriptedTurnJournal {
  private readonly rest: UpstashRest;
  private closed = false;
  /** Wakes the polls sleeping in `wait`, so close() ends them at once. */
  private readonly sleepers = new Set<() => void>();

  constructor({ url, token, ttlMs, leaseMs, keyPrefix = "", requestTimeoutMs, client }: UpstashTurnJournalOptions) {
    super(leaseMs, ttlMs, keyPrefix);
    this.rest = new UpstashRest({ url, token, requestTimeoutMs, client });
  }

  async wait(sessionId: string, afterSeq: number, timeoutMs: number): Promise<JournalEntry[]> {
    const journalKey = this.keys(sessionId)[1];
    const deadline = Date.now() + timeoutMs;
    for (let pause = POLL_FIRST_MS; ; pause = Math.min(pause * 2, POLL_MAX_MS)) {
      const entries = v.parse(EntriesReply, await this.call(() => this.rest.command("XRANGE", journalKey, `(${afterSeq}-0`, "+")));
      if (entries.length > 0) return entries.map(toEntry);
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await this.sleep(Math.min(pause, left));
      if (this.closed) return [];
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.sleepers]) wake();
  }

  protected runScript(script: JournalScript, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.call(() => this.rest.script(JOURNAL_SCRIPTS[script], keys, args.map(String)));
  }

  private async call(request: () => Promise<unknown>): Promise<unknown> {
    if (this.closed) throw new JournalUnavailableError(`turn journal unavailable: Upstash REST at ${this.rest.where}: the journal is closed`);
    try {
      return await request();
    } catch (err) {
      throw new JournalUnavailableError(`turn journal unavailable: ${this.rest.describe(err)}`);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}
