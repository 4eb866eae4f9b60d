// In-process session store (local mode without Redis, tests). Same semantics as the Redis store:
// every operation on a session pushes its expiry out by the TTL, and an expired session is gone.
// Values are copied in and out, so a caller mutating what it passed or got back changes nothing stored.
import type { Conversation, NewSession, SessionMeta, SessionStore, StoredMessage, StoredPart } from "./session-store.js";

interface Entry {
  meta: SessionMeta;
  messages: StoredMessage[];
  state: Record<string, string>;
  expiresAt: number;
}

// Expired entries are dropped on access anyway; the sweep only bounds memory held by abandoned ones.
const MAX_SWEEP_INTERVAL_MS = 60_000;
const MIN_SWEEP_INTERVAL_MS = 1_000;

export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor({ ttlMs, now = Date.now }: { ttlMs: number; now?: () => number }) {
    this.ttlMs = ttlMs;
    this.now = now;
    const interval = Math.min(MAX_SWEEP_INTERVAL_MS, Math.max(MIN_SWEEP_INTERVAL_MS, ttlMs));
    this.sweeper = setInterval(() => this.sweep(), interval);
    this.sweeper.unref?.();
  }

  /** Sessions held in memory, expired ones not yet swept included. */
  get size(): number {
    return this.sessions.size;
  }

  async loadConversation(session: NewSession): Promise<{ conversation: Conversation; created: boolean }> {
    const existing = this.touched(session.id);
    const entry = existing ?? this.create(session);
    const conversation = { meta: { ...entry.meta }, messages: entry.messages.map(copyMessage), state: { ...entry.state } };
    return { conversation, created: existing === undefined };
  }

  async getSession(id: string): Promise<SessionMeta | null> {
    const entry = this.touched(id);
    return entry ? { ...entry.meta } : null;
  }

  async appendTurn(id: string, messages: StoredMessage[], state?: Record<string, string>): Promise<void> {
    // A session that expired during a long turn keeps the turn it just finished, as in Redis.
    const entry = this.touched(id) ?? this.create({ id, agentName: "", namespace: "" });
    for (const m of messages) entry.messages.push(copyMessage(m));
    entry.meta.turnCount += 1;
    entry.meta.updatedAt = new Date(this.now()).toISOString();
    if (state) Object.assign(entry.state, state);
  }

  async setState(id: string, state: Record<string, string>): Promise<void> {
    const entry = this.touched(id);
    if (entry) Object.assign(entry.state, state);
  }

  async touch(id: string): Promise<void> {
    this.touched(id);
  }

  async deleteSession(id: string): Promise<void> {
    this.sessions.delete(id);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private create(session: NewSession): Entry {
    const at = new Date(this.now()).toISOString();
    const meta: SessionMeta = { id: session.id, agentName: session.agentName, namespace: session.namespace, createdAt: at, updatedAt: at, turnCount: 0 };
    if (session.workspace) meta.workspace = session.workspace;
    const entry: Entry = { meta, messages: [], state: {}, expiresAt: this.now() + this.ttlMs };
    this.sessions.set(session.id, entry);
    return entry;
  }

  /** The live entry with its expiry refreshed; undefined (and forgotten) when absent or expired. */
  private touched(id: string): Entry | undefined {
    const entry = this.sessions.get(id);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.expiresAt <= now) {
      this.sessions.delete(id);
      return undefined;
    }
    entry.expiresAt = now + this.ttlMs;
    return entry;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.sessions) if (entry.expiresAt <= now) this.sessions.delete(id);
  }
}

// Every turn loads the whole history: a copy by hand of the known shape costs a fraction of
// structuredClone's serialize-and-parse, which showed as the runtime's top cost in the bench.
function copyMessage(m: StoredMessage): StoredMessage {
  const copy: StoredMessage = { ...m };
  if (m.toolCalls) copy.toolCalls = m.toolCalls.map((c) => ({ ...c }));
  if (m.parts) copy.parts = m.parts.map(copyPart);
  if (m.metadata) copy.metadata = { ...m.metadata };
  return copy;
}

function copyPart(p: StoredPart): StoredPart {
  return p.media ? { ...p, media: { ...p.media } } : { ...p };
}
