// A work queue of object keys ("namespace/name"), as controller-runtime's: a key queued several
// times before it is handled is handled once, one key is never handled twice at the same time, and
// a key whose handler failed comes back after an exponential backoff (reset on success).

export interface WorkQueueOptions {
  /** First retry delay; doubled on each further failure of the same key. Default 200 ms. */
  baseDelayMs?: number;
  /** Retry delay ceiling. Default 60 s. */
  maxDelayMs?: number;
  /** Called with each failure and the delay before the retry. */
  onError?: (key: string, err: unknown, retryInMs: number) => void;
}

export class WorkQueue {
  private readonly queued: string[] = [];
  private readonly pending = new Set<string>();
  /** Keys being handled; a key added meanwhile is handled again afterwards. */
  private readonly active = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly handle: (key: string) => Promise<void>,
    private readonly options: WorkQueueOptions = {},
  ) {}

  add(key: string): void {
    if (this.pending.has(key)) return;
    this.pending.add(key);
    this.queued.push(key);
    this.wake?.();
  }

  /** Adds the key after a delay (a later call with a shorter delay wins). */
  addAfter(key: string, delayMs: number): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.add(key);
      }, delayMs),
    );
  }

  /** Backoff delay for the n-th consecutive failure (n from 1). */
  retryDelay(failures: number): number {
    const base = this.options.baseDelayMs ?? 200;
    return Math.min(base * 2 ** (failures - 1), this.options.maxDelayMs ?? 60_000);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops taking keys and waits for the one being handled; queued keys are kept for a restart. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Stops and forgets every key and timer. */
  async shutDown(): Promise<void> {
    await this.stop();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queued.length = 0;
    this.pending.clear();
  }

  get length(): number {
    return this.queued.length;
  }

  private next(): string | undefined {
    const index = this.queued.findIndex((k) => !this.active.has(k));
    if (index < 0) return undefined;
    const [key] = this.queued.splice(index, 1);
    this.pending.delete(key!);
    return key;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const key = this.next();
      if (key === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      this.active.add(key);
      try {
        await this.handle(key);
        this.failures.delete(key);
      } catch (err) {
        const count = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, count);
        const delay = this.retryDelay(count);
        this.options.onError?.(key, err, delay);
        this.addAfter(key, delay);
      } finally {
        this.active.delete(key);
      }
    }
  }
}
