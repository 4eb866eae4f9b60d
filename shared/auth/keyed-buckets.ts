// Token buckets by key (a client address, a key name, a subject): `perMinute` tokens a minute, up
// to `burst` saved. Pure and in memory: each replica counts on its own, so with N replicas a
// client can get up to N times the limit; that bounds guessing and abuse well enough without a
// round trip to Redis on every attempt. Memory stays bounded: full buckets carry no information
// and are dropped first when there are too many keys.

export interface BucketSettings {
  perMinute: number;
  burst: number;
  /** Most keys held; beyond it full buckets, then the oldest, are forgotten. */
  maxKeys?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class KeyedBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly burst: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor({ perMinute, burst, maxKeys = 10_000, now = Date.now }: BucketSettings) {
    this.perMs = perMinute / 60_000;
    this.burst = burst;
    this.maxKeys = maxKeys;
    this.now = now;
  }

  /** Whole seconds until `key` has a token (0: it has one now). Takes nothing. */
  waitSeconds(key: string): number {
    const tokens = this.refilled(key).tokens;
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000));
  }

  /** Takes a token; the seconds to wait instead when there is none. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const wait = this.waitSeconds(key);
    if (wait > 0) return { ok: false, retryAfterSeconds: wait };
    const bucket = this.refilled(key);
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    this.trim();
    return { ok: true };
  }

  /** Takes a token when there is one; never refuses (counting failures that happen anyway). */
  spend(key: string): void {
    const bucket = this.refilled(key);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.buckets.set(key, bucket);
    this.trim();
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(key);
    if (!bucket) return { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
    return bucket;
  }

  private trim(): void {
    if (this.buckets.size <= this.maxKeys) return;
    for (const key of [...this.buckets.keys()]) if (this.refilled(key).tokens >= this.burst) this.buckets.delete(key);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) break;
      this.buckets.delete(key);
    }
  }
}
