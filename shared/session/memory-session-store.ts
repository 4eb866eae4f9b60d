// In-process session store (local mode without Redis, tests). Same TTL semantics as Redis:
// every operation on a session pushes its expiry out by the TTL; expired sessions are gone.
import type { Conversation, NewSession, SessionMeta, SessionStore, StoredMessage } from "./session-store.js";

interface Entry {
  meta: SessionMeta;
  messages: StoredMessage[];
  state: Record<string, string>;
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor({ ttlMs, now = Date.now }: { ttlMs: number; now?: () => number }) {
    this.ttlMs = ttlMs;
    this.now = now;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref?.();
  }

  async loadConversation(session: NewSession): Promise<{ conversation: Conversation; created: boolean }> {
    let entry = this.live(session.id);
    const created = entry === undefined;
    if (!entry) {
      const at = new Date(this.now()).toISOString();
      const meta: SessionMeta = { id: session.id, agentName: session.agentName, namespace: session.namespace, createdAt: at, updatedAt: at, turnCount: 0 };
      if (session.workspace !== undefined) meta.workspace = session.workspace;
      entry = { meta, messages: [], state: {}, expiresAt: 0 };
      this.sessions.set(session.id, entry);
    }
    entry.expiresAt = this.now() + this.ttlMs;
    return { conversation: structuredClone({ meta: entry.meta, messages: entry.messages, state: entry.state }), created };
  }

  async getSession(id: string): Promise<SessionMeta | null> {
    const entry = this.live(id);
    return entry ? structuredClone(entry.meta) : null;
  }

  async appendTurn(id: string, messages: StoredMessage[], state?: Record<string, string>): Promise<void> {
    const entry = this.live(id);
    if (!entry) return this.recreateWith(id, messages, state);
    entry.messages.push(...structuredClone(messages));
    entry.meta.turnCount += 1;
    entry.meta.updatedAt = new Date(this.now()).toISOString();
    if (state) Object.assign(entry.state, state);
    entry.expiresAt = this.now() + this.ttlMs;
  }

  async setState(id: string, state: Record<string, string>): Promise<void> {
    const entry = this.live(id);
    if (!entry) return;
    Object.assign(entry.state, state);
    entry.expiresAt = this.now() + this.ttlMs;
  }

  async touch(id: string): Promise<void> {
    const entry = this.live(id);
    if (entry) entry.expiresAt = this.now() + this.ttlMs;
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

  // A session that expired during a long turn keeps the turn it just finished, as Redis does.
  private recreateWith(id: string, messages: StoredMessage[], state?: Record<string, string>): void {
    const at = new Date(this.now()).toISOString();
    this.sessions.set(id, {
      meta: { id, agentName: "", namespace: "", createdAt: at, updatedAt: at, turnCount: 1 },
      messages: structuredClone(messages),
      state: { ...state },
      expiresAt: this.now() + this.ttlMs,
    });
  }

  private live(id: string): Entry | undefined {
    const entry = this.sessions.get(id);
    if (entry && entry.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.sessions) if (entry.expiresAt <= now) this.sessions.delete(id);
  }
}
