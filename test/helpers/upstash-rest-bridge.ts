// A stand-in for Upstash's REST endpoint in tests (none exists on npm): an HTTP server on
// 127.0.0.1 that speaks the REST wire format as @upstash/redis uses it and runs each command on
// a real redis-server through one ioredis connection.
//
// What it speaks: POST `/` with a JSON command array (`["SET","k","v"]`), POST `/pipeline` and
// `/multi-exec` with an array of them; `Authorization: Bearer <token>` or `?_token=` (401
// otherwise); replies `{"result": ...}` (nulls and nested arrays kept, integers as numbers) or
// `{"error": "..."}` with 400 for a Redis error, as Upstash documents; a pipeline answers 200 with
// one `{result}`/`{error}` per command; a transaction that Redis discarded (EXECABORT) answers one
// `{error}`. With `Upstash-Encoding: base64` (the client's default) every string of a result is the
// base64 of Redis's bytes, except a whole result "OK", as Upstash does; without it strings are
// UTF-8 (invalid bytes become U+FFFD).
//
// Its limits: no path-style commands (`/set/k/v`), GET/PUT bodies, SSE endpoints (subscribe,
// monitor), RESP2 response format, read-only tokens, sync tokens or request-size limits; blocking
// commands and commands that change the connection's state (MULTI, SELECT, SUBSCRIBE...) are
// refused, since every request shares one connection. While redis-server is down it answers 503
// (Upstash does not document what it answers then), and reconnects by itself when it is back.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Redis } from "ioredis";

export interface UpstashRestBridge {
  /** `http://127.0.0.1:<port>`: the REST URL to give the client. */
  url: string;
  port: number;
  token: string;
  /** Requests received so far, by path (`/`, `/pipeline`, `/multi-exec`, anything else). */
  readonly requests: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

type Json = null | number | string | Json[];
type Reply = { result: Json } | { error: string };

// Blocking commands would stall the one connection every request shares; the others change its state.
const REFUSED = new Set([
  ...["BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF"],
  ...["MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH", "SELECT", "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "MONITOR", "QUIT", "RESET", "HELLO"],
]);

class BadRequest extends Error {}

export async function startUpstashRestBridge(opts: { redisUrl: string; token?: string }): Promise<UpstashRestBridge> {
  const token = opts.token ?? randomBytes(18).toString("base64url");
  const redis = new Redis(opts.redisUrl, {
    // RESP2, as the REST API answers: HGETALL is a flat array, doubles are strings.
    protocol: 2,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(25 * 2 ** attempt, 250),
  });
  redis.on("error", () => {});
  await redis.connect();

  const requests: Record<string, number> = {};
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://bridge").pathname;
    requests[path] = (requests[path] ?? 0) + 1;
    answer(req, res, path).catch((err: unknown) => send(res, 500, { error: `ERR bridge failure: ${messageOf(err)}` }));
  });

  async function answer(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!authorized(req, token)) return send(res, 401, { error: "Unauthorized" });
    if (req.method !== "POST") return send(res, 405, { error: `ERR the test bridge takes POST only, not ${req.method}` });
    if (!["/", "/pipeline", "/multi-exec"].includes(path)) return send(res, 404, { error: `ERR the test bridge does not serve ${path}` });
    const base64 = req.headers["upstash-encoding"] === "base64";
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { error: "ERR failed to parse the request body as JSON" });
    }
    if (redis.status !== "ready") return send(res, 503, { error: `ERR Redis is not reachable (${redis.status})` });
    try {
      if (path === "/") {
        const [status, reply] = await run(redis, toCommand(body), base64);
        return send(res, status, reply);
      }
      const commands = toCommands(body);
      if (path === "/pipeline") {
        const pipeline = redis.pipeline();
        for (const [name, ...args] of commands) pipeline.callBuffer(name, ...args);
        return send(res, 200, toReplies(await pipeline.exec(), base64));
      }
      const multi = redis.multi();
      for (const [name, ...args] of commands) multi.callBuffer(name, ...args);
      try {
        return send(res, 200, toReplies(await multi.exec(), base64));
      } catch (err) {
        // Redis discarded the transaction as a whole (EXECABORT), or the link to it failed.
        return send(res, isRedisError(err) ? 400 : 503, { error: messageOf(err) });
      }
    } catch (err) {
      if (err instanceof BadRequest) return send(res, 400, { error: err.message });
      throw err;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  }).catch((err: unknown) => {
    redis.disconnect();
    throw err;
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the Upstash REST bridge has no TCP address");

  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    token,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}

function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? "";
  const query = new URL(req.url ?? "/", "http://bridge").searchParams.get("_token");
  return header === `Bearer ${token}` || query === token;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

function toCommand(value: unknown): [string, ...string[]] {
  if (!Array.isArray(value) || value.length === 0) throw new BadRequest("ERR a command is a non-empty JSON array");
  const parts = value.map((part: unknown) => {
    if (typeof part === "string") return part;
    if (typeof part === "number" || typeof part === "boolean") return String(part);
    throw new BadRequest(`ERR a command's parts are strings or numbers, not ${JSON.stringify(part)}`);
  });
  const [name = "", ...args] = parts;
  const upper = name.toUpperCase();
  if (REFUSED.has(upper) || (upper.startsWith("XREAD") && args.some((a) => a.toUpperCase() === "BLOCK"))) {
    throw new BadRequest(`ERR ${upper} is not supported by the test bridge`);
  }
  // Upper case: ioredis reshapes some replies (HGETALL into an object) by the lower-case name only.
  return [upper, ...args];
}

function toCommands(value: unknown): [string, ...string[]][] {
  if (!Array.isArray(value) || value.length === 0) throw new BadRequest("ERR a pipeline is a non-empty JSON array of commands");
  return value.map(toCommand);
}

async function run(redis: Redis, [name, ...args]: [string, ...string[]], base64: boolean): Promise<[status: number, reply: Reply]> {
  try {
    return [200, { result: encode(await redis.callBuffer(name, ...args), base64, true) }];
  } catch (err) {
    // 400 is what Upstash answers for a command Redis refused.
    return [isRedisError(err) ? 400 : 503, { error: messageOf(err) }];
  }
}

function toReplies(results: [error: Error | null, result: unknown][] | null, base64: boolean): Reply[] {
  return (results ?? []).map(([error, result]) => (error ? { error: error.message } : { result: encode(result, base64, true) }));
}

/** A reply as JSON: bytes as base64 (or UTF-8), integers as numbers, nil as null, arrays kept. */
function encode(value: unknown, base64: boolean, whole: boolean): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map((item: unknown) => encode(item, base64, false));
  if (value instanceof Map) return encode([...value].flat(), base64, false);
  if (typeof value === "object" && !Buffer.isBuffer(value) && !(value instanceof Error)) return encode(Object.entries(value).flat(), base64, false);
  // An error inside an array (a script's or a transaction's): its message, as a string.
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value instanceof Error ? value.message : String(value));
  if (!base64) return bytes.toString("utf8");
  return whole && bytes.toString("latin1") === "OK" ? "OK" : bytes.toString("base64");
}

/** An error Redis answered (the command's fault), as opposed to a failed link to Redis. */
function isRedisError(err: unknown): boolean {
  return err instanceof Error && err.name === "ReplyError";
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function send(res: ServerResponse, status: number, body: Reply | Reply[]): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
