// The TurnJournal operations both Redis transports share: the same scripts (redis-journal-scripts.ts),
// the same keys and the same checks of what Redis answers. A transport (ioredis in the pod, Upstash
// REST at the edge) only runs a script and waits for new entries its own way.
import * as v from "valibot";
import { APPEND, BEGIN, CLAIM, READ, RENEW } from "./redis-journal-scripts.js";
import type { AppendResult, BeginResult, JournalEntry, JournalSnapshot, TurnJournal, TurnStatus } from "./turn-journal.js";

export const JOURNAL_SCRIPTS = { begin: BEGIN, append: APPEND, renew: RENEW, claim: CLAIM, read: READ } as const;
export type JournalScript = keyof typeof JOURNAL_SCRIPTS;

const Int = v.number();
/** Stream entries as XRANGE/XREAD give them: id and the flat field list. */
export const EntriesReply = v.array(v.tuple([v.string(), v.array(v.string())]));
const BeginReply = v.union([v.tuple([v.literal(1), Int]), v.tuple([v.literal(0), v.string(), v.string(), Int, Int, Int, Int])]);
const ClaimReply = v.nullable(v.tuple([Int, Int, Int]));
const ReadReply = v.union([v.strictTuple([v.string(), v.string(), v.string(), Int, Int, Int, Int, EntriesReply]), v.strictTuple([])]);

export abstract class ScriptedTurnJournal implements TurnJournal {
  constructor(
    readonly leaseMs: number,
    protected readonly ttlMs: number,
    private readonly prefix: string,
  ) {}

  /** Runs one script on the session's keys; ARGV[1] (the TTL) is put first by the caller of this. */
  protected abstract runScript(script: JournalScript, keys: string[], args: (string | number)[]): Promise<unknown>;
  abstract wait(sessionId: string, afterSeq: number, timeoutMs: number): Promise<JournalEntry[]>;
  abstract close(): Promise<void>;

  async begin(sessionId: string, turnId: string, owner: string): Promise<BeginResult> {
    const reply = v.parse(BeginReply, await this.script("begin", sessionId, [turnId, owner, this.leaseMs]));
    if (reply[0] === 1) return { ok: true, lastSeq: reply[1] };
    const [, runningId, runningOwner, leaseAlive, startSeq, lastSeq, events] = reply;
    return { ok: false, running: { turnId: runningId, owner: runningOwner, running: true, leaseAlive: leaseAlive === 1, startSeq, lastSeq, events } };
  }

  async append(sessionId: string, turnId: string, owner: string, entries: JournalEntry[], events: number): Promise<AppendResult> {
    const first = entries[0];
    if (!first) return "ok";
    const args: (string | number)[] = [turnId, owner, this.leaseMs, events, first.seq];
    for (const entry of entries) args.push(entry.frame, entry.end ? "1" : "0");
    return (await this.script("append", sessionId, args)) === 1 ? "ok" : "not_owner";
  }

  async renew(sessionId: string, turnId: string, owner: string): Promise<boolean> {
    return (await this.script("renew", sessionId, [turnId, owner, this.leaseMs])) === 1;
  }

  async claim(sessionId: string, turnId: string, owner: string, onlyIfExpired: boolean): Promise<TurnStatus | null> {
    const reply = v.parse(ClaimReply, await this.script("claim", sessionId, [turnId, owner, this.leaseMs, onlyIfExpired ? "1" : "0"]));
    if (!reply) return null;
    const [startSeq, lastSeq, events] = reply;
    return { turnId, owner, running: true, leaseAlive: true, startSeq, lastSeq, events };
  }

  async read(sessionId: string, afterSeq: number | null): Promise<JournalSnapshot> {
    const reply = v.parse(ReadReply, await this.script("read", sessionId, [afterSeq ?? ""]));
    if (reply.length === 0) return { entries: [], turn: null };
    const [turnId, owner, state, startSeq, lastSeq, events, leaseAlive, entries] = reply;
    return {
      entries: entries.map(toEntry),
      turn: { turnId, owner, running: state === "running", leaseAlive: state === "running" && leaseAlive === 1, startSeq, lastSeq, events },
    };
  }

  /** The session's keys: its turn hash, its journal stream, its lease (layout: redis-journal-scripts.ts). */
  protected keys(sessionId: string): [turn: string, journal: string, lease: string] {
    const base = `${this.prefix}session:${sessionId}`;
    return [`${base}:turn`, `${base}:journal`, `${base}:lease`];
  }

  private script(script: JournalScript, sessionId: string, args: (string | number)[]): Promise<unknown> {
    return this.runScript(script, this.keys(sessionId), [this.ttlMs, ...args]);
  }
}

export function toEntry([id, fields]: [string, string[]]): JournalEntry {
  let frame = "";
  let end = false;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === "f") frame = fields[i + 1] ?? "";
    else if (fields[i] === "e") end = fields[i + 1] === "1";
  }
  return { seq: Number.parseInt(id, 10), frame, end };
}
