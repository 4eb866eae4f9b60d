// The turn journal in Redis through ioredis (whose types stay in this folder): shared by every
// facade replica and the runtime, so a client resumes anywhere and a runtime can finish the
// turn of a facade that died. Key layout and scripts: redis-journal-scripts.ts.
import * as v from "valibot";
import { FailFastRedis } from "../redis/fail-fast-redis.js";
import { APPEND, BEGIN, CLAIM, READ, RENEW } from "./redis-journal-scripts.js";
import { RedisStreamWaiter, type RawStreamEntry } from "./redis-stream-waiter.js";
import { JournalUnavailableError, type AppendResult, type BeginResult, type JournalEntry, type JournalSnapshot, type TurnJournal, type TurnStatus } from "./turn-journal.js";

const Int = v.number();
const Entries = v.array(v.tuple([v.string(), v.array(v.string())]));
const BeginReply = v.union([
  v.tuple([v.literal(1), Int]),
  v.tuple([v.literal(0), v.string(), v.string(), Int, Int, Int, Int]),
]);
const ClaimReply = v.nullable(v.tuple([Int, Int, Int]));
const ReadReply = v.union([v.strictTuple([v.string(), v.string(), v.string(), Int, Int, Int, Int, Entries]), v.strictTuple([])]);

export interface RedisTurnJournalOptions {
  url: string;
  ttlMs: number;
  leaseMs: number;
  keyPrefix?: string;
}

export class RedisTurnJournal implements TurnJournal {
  readonly leaseMs: number;
  private readonly connection: FailFastRedis;
  private readonly waiter: RedisStreamWaiter;
  private readonly ttlMs: number;
  private readonly prefix: string;

  constructor({ url, ttlMs, leaseMs, keyPrefix = "" }: RedisTurnJournalOptions) {
    this.ttlMs = ttlMs;
    this.leaseMs = leaseMs;
    this.prefix = keyPrefix;
    this.connection = new FailFastRedis(url);
    for (const [name, lua] of Object.entries({ journalBegin: BEGIN, journalAppend: APPEND, journalRenew: RENEW, journalClaim: CLAIM, journalRead: READ })) {
      this.connection.redis.defineCommand(name, { numberOfKeys: 3, lua });
    }
    this.waiter = new RedisStreamWaiter(this.connection.redis);
  }

  async begin(sessionId: string, turnId: string, owner: string): Promise<BeginResult> {
    const reply = v.parse(BeginReply, await this.script("journalBegin", sessionId, [turnId, owner, this.leaseMs]));
    if (reply[0] === 1) return { ok: true, lastSeq: reply[1] };
    const [, runningId, runningOwner, leaseAlive, startSeq, lastSeq, events] = reply;
    return { ok: false, running: { turnId: runningId, owner: runningOwner, running: true, leaseAlive: leaseAlive === 1, startSeq, lastSeq, events } };
  }

  async append(sessionId: string, turnId: string, owner: string, entries: JournalEntry[], events: number): Promise<AppendResult> {
    const first = entries[0];
    if (!first) return "ok";
    const args: (string | number)[] = [turnId, owner, this.leaseMs, events, first.seq];
    for (const entry of entries) args.push(entry.frame, entry.end ? "1" : "0");
    return (await this.script("journalAppend", sessionId, args)) === 1 ? "ok" : "not_owner";
  }

  async renew(sessionId: string, turnId: string, owner: string): Promise<boolean> {
    return (await this.script("journalRenew", sessionId, [turnId, owner, this.leaseMs])) === 1;
  }

  async claim(sessionId: string, turnId: string, owner: string, onlyIfExpired: boolean): Promise<TurnStatus | null> {
    const reply = v.parse(ClaimReply, await this.script("journalClaim", sessionId, [turnId, owner, this.leaseMs, onlyIfExpired ? "1" : "0"]));
    if (!reply) return null;
    const [startSeq, lastSeq, events] = reply;
    return { turnId, owner, running: true, leaseAlive: true, startSeq, lastSeq, events };
  }

  async read(sessionId: string, afterSeq: number | null): Promise<JournalSnapshot> {
    const reply = v.parse(ReadReply, await this.script("journalRead", sessionId, [afterSeq ?? ""]));
    if (reply.length === 0) return { entries: [], turn: null };
    const [turnId, owner, state, startSeq, lastSeq, events, leaseAlive, entries] = reply;
    return {
      entries: entries.map(toEntry),
      turn: { turnId, owner, running: state === "running", leaseAlive: state === "running" && leaseAlive === 1, startSeq, lastSeq, events },
    };
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

  private keys(sessionId: string): [turn: string, journal: string, lease: string] {
    const base = `${this.prefix}session:${sessionId}`;
    return [`${base}:turn`, `${base}:journal`, `${base}:lease`];
  }

  private async script(name: string, sessionId: string, args: (string | number)[]): Promise<unknown> {
    this.checkConnected();
    try {
      return await this.connection.script(name, [...this.keys(sessionId), this.ttlMs, ...args]);
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

function toEntry([id, fields]: RawStreamEntry): JournalEntry {
  let frame = "";
  let end = false;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === "f") frame = fields[i + 1] ?? "";
    else if (fields[i] === "e") end = fields[i + 1] === "1";
  }
  return { seq: Number.parseInt(id, 10), frame, end };
}
