// The turn journal in one process (local mode without Redis, tests): the same semantics as the
// Redis journal, so a client may resume on this facade. Entries expire with the session TTL.
import type { AppendResult, BeginResult, JournalEntry, JournalSnapshot, TurnJournal, TurnStatus } from "./turn-journal.js";

interface SessionJournal {
  entries: JournalEntry[];
  turn: { turnId: string; owner: string; running: boolean; startSeq: number; lastSeq: number; events: number; leaseUntil: number } | null;
  waiters: Set<() => void>;
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

export class MemoryTurnJournal implements TurnJournal {
  readonly leaseMs: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly sessions = new Map<string, SessionJournal>();
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor({ ttlMs, leaseMs, now = Date.now }: { ttlMs: number; leaseMs: number; now?: () => number }) {
    this.ttlMs = ttlMs;
    this.leaseMs = leaseMs;
    this.now = now;
    this.sweeper = setInterval(() => this.sweep(), Math.min(SWEEP_INTERVAL_MS, Math.max(1_000, ttlMs)));
    (this.sweeper as { unref?: () => void }).unref?.();
  }

  async begin(sessionId: string, turnId: string, owner: string): Promise<BeginResult> {
    const journal = this.touched(sessionId, true);
    const turn = journal.turn;
    if (turn?.running) return { ok: false, running: this.status(turn) };
    const lastSeq = turn?.lastSeq ?? 0;
    if (turn) journal.entries = journal.entries.filter((e) => e.seq >= turn.startSeq);
    journal.turn = { turnId, owner, running: true, startSeq: lastSeq + 1, lastSeq, events: 0, leaseUntil: this.now() + this.leaseMs };
    return { ok: true, lastSeq };
  }

  async append(sessionId: string, turnId: string, owner: string, entries: JournalEntry[], events: number): Promise<AppendResult> {
    const journal = this.touched(sessionId, false);
    const turn = journal?.turn;
    if (!journal || !turn || !turn.running || turn.turnId !== turnId || turn.owner !== owner) return "not_owner";
    const first = entries[0];
    if (first && first.seq !== turn.lastSeq + 1) {
      throw new Error(`journal append out of order: seq ${first.seq} after ${turn.lastSeq}`);
    }
    for (const entry of entries) {
      // Handed over by its writer, which never changes it again; reads hand out copies.
      journal.entries.push(entry);
      turn.lastSeq = entry.seq;
      if (entry.end) turn.running = false;
    }
    turn.events = events;
    turn.leaseUntil = this.now() + this.leaseMs;
    this.wake(journal);
    return "ok";
  }

  async renew(sessionId: string, turnId: string, owner: string): Promise<boolean> {
    const turn = this.touched(sessionId, false)?.turn;
    if (!turn || !turn.running || turn.turnId !== turnId || turn.owner !== owner) return false;
    turn.leaseUntil = this.now() + this.leaseMs;
    return true;
  }

  async claim(sessionId: string, turnId: string, owner: string, onlyIfExpired: boolean): Promise<TurnStatus | null> {
    const turn = this.touched(sessionId, false)?.turn;
    if (!turn || !turn.running || turn.turnId !== turnId) return null;
    if (onlyIfExpired && turn.leaseUntil > this.now()) return null;
    turn.owner = owner;
    turn.leaseUntil = this.now() + this.leaseMs;
    return this.status(turn);
  }

  async read(sessionId: string, afterSeq: number | null): Promise<JournalSnapshot> {
    const journal = this.touched(sessionId, false);
    if (!journal?.turn) return { entries: [], turn: null };
    const after = afterSeq ?? journal.turn.startSeq - 1;
    return { entries: journal.entries.filter((e) => e.seq > after).map((e) => ({ ...e })), turn: this.status(journal.turn) };
  }

  wait(sessionId: string, afterSeq: number, timeoutMs: number): Promise<JournalEntry[]> {
    const journal = this.touched(sessionId, false);
    const ready = () => journal?.entries.filter((e) => e.seq > afterSeq).map((e) => ({ ...e })) ?? [];
    const now = ready();
    if (now.length > 0 || !journal) return Promise.resolve(now);
    return new Promise((resolve) => {
      const settle = (entries: JournalEntry[]) => {
        clearTimeout(timer);
        journal.waiters.delete(wake);
        resolve(entries);
      };
      const wake = () => {
        const entries = ready();
        if (entries.length > 0) settle(entries);
      };
      const timer = setTimeout(() => settle(ready()), timeoutMs);
      journal.waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const journal of this.sessions.values()) journal.waiters.clear();
  }

  private status(turn: NonNullable<SessionJournal["turn"]>): TurnStatus {
    return {
      turnId: turn.turnId,
      owner: turn.owner,
      running: turn.running,
      leaseAlive: turn.running && turn.leaseUntil > this.now(),
      startSeq: turn.startSeq,
      lastSeq: turn.lastSeq,
      events: turn.events,
    };
  }

  private touched(sessionId: string, create: true): SessionJournal;
  private touched(sessionId: string, create: false): SessionJournal | undefined;
  private touched(sessionId: string, create: boolean): SessionJournal | undefined {
    const now = this.now();
    let journal = this.sessions.get(sessionId);
    if (journal && journal.expiresAt <= now) {
      this.sessions.delete(sessionId);
      journal = undefined;
    }
    if (!journal && create) {
      journal = { entries: [], turn: null, waiters: new Set(), expiresAt: 0 };
      this.sessions.set(sessionId, journal);
    }
    if (journal) journal.expiresAt = now + this.ttlMs;
    return journal;
  }

  private wake(journal: SessionJournal): void {
    for (const waiter of [...journal.waiters]) waiter();
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, journal] of this.sessions) if (journal.expiresAt <= now && journal.waiters.size === 0) this.sessions.delete(id);
  }
}
