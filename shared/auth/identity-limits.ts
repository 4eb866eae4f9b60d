// Limits per identity (issue 8 item 7): how many connections one subject may hold open at once
// and how many messages it may send a minute, each refusal with a retry hint in seconds (the
// facade answers RATE_LIMITED with it). Per replica, like every limiter in keyed-buckets.ts.
// The reference has no defaults for these; ours: 10 connections, 60 messages a minute (bursts
// of 20), both configurable.
import * as v from "valibot";
import { KeyedBuckets } from "./keyed-buckets.js";

export const IdentityLimitsSchema = v.object({
  maxConnectionsPerSubject: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1, "must be at least 1")), 10),
  messagesPerMinute: v.optional(v.pipe(v.number(), v.minValue(1, "must be at least 1")), 60),
  messageBurst: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1, "must be at least 1")), 20),
  /** The retry hint of a refused connection: nothing says when another one closes. */
  connectionRetryAfterSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 5),
});
export type IdentityLimitSettings = v.InferOutput<typeof IdentityLimitsSchema>;

export type LimitAnswer = { ok: true } | { ok: false; retryAfterSeconds: number; message: string };
export type ConnectionAnswer = { ok: true; release: () => void } | { ok: false; retryAfterSeconds: number; message: string };

export class IdentityLimiter {
  private readonly settings: IdentityLimitSettings;
  private readonly open = new Map<string, number>();
  private readonly messages: KeyedBuckets;

  constructor(settings: Partial<IdentityLimitSettings> = {}, now: () => number = Date.now) {
    this.settings = v.parse(IdentityLimitsSchema, settings);
    this.messages = new KeyedBuckets({ perMinute: this.settings.messagesPerMinute, burst: this.settings.messageBurst, now });
  }

  /** Counts a connection of `subject`; call `release` when it closes (twice is harmless). */
  openConnection(subject: string): ConnectionAnswer {
    const count = this.open.get(subject) ?? 0;
    const max = this.settings.maxConnectionsPerSubject;
    if (count >= max) {
      const retryAfterSeconds = this.settings.connectionRetryAfterSeconds;
      return { ok: false, retryAfterSeconds, message: `at most ${max} connections at once per identity; retry in ${retryAfterSeconds} s` };
    }
    this.open.set(subject, count + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.open.get(subject) ?? 1) - 1;
        if (left > 0) this.open.set(subject, left);
        else this.open.delete(subject);
      },
    };
  }

  /** Counts one message of `subject`. */
  takeMessage(subject: string): LimitAnswer {
    const taken = this.messages.take(subject);
    if (taken.ok) return taken;
    return { ok: false, retryAfterSeconds: taken.retryAfterSeconds, message: `at most ${this.settings.messagesPerMinute} messages a minute per identity; retry in ${taken.retryAfterSeconds} s` };
  }

  connectionsOf(subject: string): number {
    return this.open.get(subject) ?? 0;
  }
}
