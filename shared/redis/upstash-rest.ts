// Redis through Upstash's REST API with @upstash/redis (fetch only: runs in workerd as in Node),
// configured the way session data needs it, as fail-fast-redis.ts is for ioredis: a request that
// gets no answer fails within a bound instead of hanging, nothing is retried (a retried script
// could append a turn or a journal frame twice), replies come back as Redis sent them (no JSON
// guessing on strings), and errors name the REST host, never the token or the command's data.
import { Redis } from "@upstash/redis/cloudflare";

/** How long one REST request may take before it fails. */
export const UPSTASH_TIMEOUT_MS = 2_000;

export interface UpstashRestOptions {
  /** The database's REST URL (UPSTASH_REDIS_REST_URL). */
  url: string;
  /** Its REST token (UPSTASH_REDIS_REST_TOKEN). */
  token: string;
  requestTimeoutMs?: number;
  /**
   * A client to use instead of one made from url and token (tests); url and token still name it in
   * errors. Make it with `automaticDeserialization: false`, or replies come back JSON-parsed.
   */
  client?: Redis;
}

/** The part of @upstash/redis's Script this uses: EVALSHA, then EVAL when Redis does not know the script yet. */
interface LoadedScript {
  exec(keys: string[], args: string[]): Promise<unknown>;
}

export class UpstashRest {
  /** The REST URL's host, for error messages. */
  readonly where: string;
  private readonly client: Redis;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly scripts = new Map<string, LoadedScript>();

  constructor({ url, token, requestTimeoutMs = UPSTASH_TIMEOUT_MS, client }: UpstashRestOptions) {
    this.where = host(url);
    this.token = token;
    this.timeoutMs = requestTimeoutMs;
    this.client =
      client ??
      new Redis({
        url,
        token,
        retry: false,
        signal: () => AbortSignal.timeout(requestTimeoutMs),
        // The fetch `keepalive` flag caps a request body at 64 KiB, which a batch of frames can pass.
        keepAlive: false,
        automaticDeserialization: false,
        // One request per operation, so each one's failure is its own.
        enableAutoPipelining: false,
        enableTelemetry: false,
      });
  }

  /** Runs a Lua script (by SHA once Redis knows it); the reply as Redis gave it. */
  script(lua: string, keys: string[], args: string[]): Promise<unknown> {
    let script = this.scripts.get(lua);
    if (!script) {
      script = this.client.createScript<unknown>(lua);
      this.scripts.set(lua, script);
    }
    return script.exec(keys, args);
  }

  /** Runs one command; the reply as Redis gave it. */
  command(command: string, ...args: string[]): Promise<unknown> {
    return this.client.exec<unknown>([command, ...args]);
  }

  /** Why a request failed, for a user: the host and the cause, without the token or the command's arguments. */
  describe(err: unknown): string {
    let reason = this.reasonOf(err);
    // An HTTP error from the client quotes the whole command (frames included): not for logs.
    reason = reason.replace(/, command was: [\s\S]*$/, "");
    if (/unauthori[sz]ed|WRONGPASS|NOAUTH|NOPERM/i.test(reason)) reason += " (check the REST token)";
    // No known message quotes the token; this keeps it so. (A string this short is no real token, and common.)
    if (this.token.length >= 8) reason = reason.replaceAll(this.token, "[token]");
    return `Upstash REST at ${this.where}: ${reason}`;
  }

  private reasonOf(err: unknown): string {
    if (!(err instanceof Error)) return String(err);
    if (err.name === "TimeoutError") return `no answer within ${this.timeoutMs} ms`;
    // fetch says only "fetch failed"; the cause says why (refused, reset, DNS).
    const cause = err.cause instanceof Error ? err.cause.message : "";
    return cause && !err.message.includes(cause) ? `${err.message} (${cause})` : err.message;
  }
}

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(unparsable URL)";
  }
}
