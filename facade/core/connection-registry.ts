// Live connections of this facade, and the drain that SIGTERM starts: new upgrades are refused,
// idle connections close with 1001 at once, busy ones as soon as their turn ends.
import type { FacadeConnection } from "./connection.js";

export class ConnectionRegistry {
  private readonly live = new Set<FacadeConnection>();
  private drainWaiters: Array<() => void> = [];
  draining = false;

  get size(): number {
    return this.live.size;
  }

  add(connection: FacadeConnection): void {
    this.live.add(connection);
  }

  /** A connection became idle or closed. */
  idle(connection: FacadeConnection): void {
    if (this.draining && !connection.isClosed) connection.drainIfIdle();
    if (connection.isClosed) this.live.delete(connection);
    if (this.draining && this.live.size === 0) this.wake();
  }

  /** Resolves once every connection has closed, or after timeoutMs when stragglers are cut. */
  drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    for (const connection of [...this.live]) connection.drainIfIdle();
    if (this.live.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const connection of [...this.live]) connection.forceClose();
        this.live.clear();
        this.wake();
      }, timeoutMs);
      this.drainWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}
