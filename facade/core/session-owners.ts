// Who made each session (PROTOCOL.md "Auth": a session belongs to the identity that created it).
// The owner is recorded in the session store when the session's first turn starts, so every
// replica and placement sees it; another identity naming the session is refused without learning
// whether it exists. Here: the interface, and the store of a single facade process.

export interface SessionOwners {
  /**
   * Records `subject` as the owner of a session nobody owns yet, or confirms it is already;
   * false when another identity owns it. Throws when the store cannot be asked.
   */
  claim(sessionId: string, subject: string): Promise<boolean>;
  /** Whether `subject` owns the session: false for another owner and for a session nobody owns (unknown or expired). */
  owns(sessionId: string, subject: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Owners in this process (no shared store configured): one replica only, like its journal. */
export class MemorySessionOwners implements SessionOwners {
  private readonly owners = new Map<string, { subject: string; expiresAt: number }>();
  private claims = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(sessionId: string, subject: string): Promise<boolean> {
    this.sweep();
    const current = this.current(sessionId);
    if (current !== undefined && current !== subject) return false;
    this.owners.set(sessionId, { subject, expiresAt: this.now() + this.ttlMs });
    return true;
  }

  async owns(sessionId: string, subject: string): Promise<boolean> {
    if (this.current(sessionId) !== subject) return false;
    this.owners.set(sessionId, { subject, expiresAt: this.now() + this.ttlMs });
    return true;
  }

  async close(): Promise<void> {
    this.owners.clear();
  }

  private current(sessionId: string): string | undefined {
    const entry = this.owners.get(sessionId);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.subject;
    this.owners.delete(sessionId);
    return undefined;
  }

  // Expired entries of sessions nobody names again would otherwise stay forever.
  private sweep(): void {
    if (++this.claims % 1024 !== 0) return;
    const now = this.now();
    for (const [id, entry] of this.owners) if (entry.expiresAt <= now) this.owners.delete(id);
  }
}

/** The store key of a session's owner, the same in Redis from a pod and through Upstash at the edge. */
export function ownerKey(sessionId: string): string {
  return `omnia:owner:${sessionId}`;
}

/** Prefix of browser-ticket keys in a shared store (pods and the edge must agree on it). */
export const TICKET_KEY_PREFIX = "omnia:";
