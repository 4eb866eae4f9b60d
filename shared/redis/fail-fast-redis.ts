// One ioredis connection configured the way session data needs it: a command fails at once
// while Redis is down (instead of queueing or being replayed, which could append a turn or a
// journal frame twice), and the connection comes back by itself when Redis does.
import { Redis } from "ioredis";

/** How long until a command against an unreachable Redis fails, and the cap of the reconnect backoff. */
export const FAIL_FAST_MS = 2_000;

export class FailFastRedis {
  readonly redis: Redis;
  /** host:port/db, without credentials, for error messages. */
  readonly where: string;
  private everReady = false;
  private lastError = "";

  constructor(url: string) {
    this.where = location(url);
    this.redis = new Redis(url, {
      connectTimeout: FAIL_FAST_MS,
      commandTimeout: FAIL_FAST_MS,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Reconnect forever in the background, so a restarted Redis is picked up by itself.
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, FAIL_FAST_MS),
    });
    this.redis.on("ready", () => {
      this.everReady = true;
      this.lastError = "";
    });
    // Without a listener ioredis prints every reconnect failure; the error reaches callers instead.
    this.redis.on("error", (err: Error) => void (this.lastError = err.message));
  }

  /**
   * Why a command cannot be sent now, or undefined when it can. Once connected, nothing is queued
   * while the connection is down: callers learn of the outage at once instead of after a timeout.
   */
  notReady(): string | undefined {
    if (this.redis.status === "end") return "the connection is closed";
    if (this.everReady && this.redis.status !== "ready") return `not connected (${this.redis.status})`;
    return undefined;
  }

  /** A reason for an outage, with the last connection error when it adds something. */
  describe(reason: string): string {
    // ioredis words a command cut by a dropped connection as a retry limit (ours is 0 on purpose).
    if (reason.includes("max retries per request")) reason = "the connection dropped while the command was in flight";
    const last = this.lastError && !reason.includes(this.lastError) ? `; last connection error: ${this.lastError}` : "";
    return `Redis at ${this.where}: ${reason}${last}`;
  }

  /** Runs a script registered with defineCommand (ioredis sends it by SHA once a connection knows it). */
  script(name: string, args: (string | number)[]): Promise<unknown> {
    const command: unknown = Reflect.get(this.redis, name);
    if (typeof command !== "function") throw new Error(`Redis script ${name} is not defined`);
    return Promise.resolve(command.apply(this.redis, args));
  }

  async close(): Promise<void> {
    if (this.redis.status === "ready") {
      try {
        await this.redis.quit();
        return;
      } catch {
        // Fall through: the connection is going away anyway.
      }
    }
    this.redis.disconnect();
  }
}

function location(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname.length > 1 ? parsed.pathname : ""}`;
  } catch {
    return "(unparsable URL)";
  }
}
