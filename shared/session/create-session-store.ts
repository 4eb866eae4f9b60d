import { MemorySessionStore } from "./memory-session-store.js";
import { RedisSessionStore } from "./redis-session-store.js";
import type { SessionStore } from "./session-store.js";

/** Redis when a URL is configured (sessions outlive the process and are shared by replicas), else in-process memory. */
export function createSessionStore(opts: { redisUrl?: string | undefined; ttlMs: number; keyPrefix?: string | undefined }): SessionStore {
  if (opts.redisUrl) return new RedisSessionStore({ url: opts.redisUrl, ttlMs: opts.ttlMs, keyPrefix: opts.keyPrefix ?? "" });
  return new MemorySessionStore({ ttlMs: opts.ttlMs });
}
