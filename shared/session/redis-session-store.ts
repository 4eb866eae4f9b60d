// Sessions in Redis through ioredis (whose types stay in this file). Key layout, `prefix` being
// the optional keyPrefix (default none) and `id` the session id:
//   {prefix}session:{id}            HASH  meta: id, agentName, namespace, workspace (only when set),
//                                         createdAt, updatedAt (RFC 3339), turnCount (integer)
//   {prefix}session:{id}:messages   LIST  one JSON StoredMessage per item; RPUSHed, never rewritten
//   {prefix}session:{id}:state      HASH  string state
// A session exists while its meta hash does. All three keys carry the same TTL and every
// operation refreshes it on all of them (PEXPIRE on a key not yet made is a no-op). Every
// operation is one round trip whatever the history length: a Lua script or one MULTI.
import type { Redis } from "ioredis";
import * as v from "valibot";
import { FailFastRedis } from "../redis/fail-fast-redis.js";
import {
  SessionStoreUnavailableError,
  StoredMessageSchema,
  type Conversation,
  type NewSession,
  type SessionMeta,
  type SessionStore,
  type StoredMessage,
} from "./session-store.js";

// Creates the session when its meta hash is absent (dropping leftovers of an expired one), refreshes
// the TTL and reads everything: atomic, so two replicas loading a new session agree on `created`.
const LOAD_SESSION = `
local created = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2], KEYS[3])
  redis.call('HSET', KEYS[1], 'id', ARGV[2], 'agentName', ARGV[3], 'namespace', ARGV[4],
    'createdAt', ARGV[5], 'updatedAt', ARGV[5], 'turnCount', '0')
  if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'workspace', ARGV[6]) end
  created = 1
end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return {created, redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[2], 0, -1), redis.call('HGETALL', KEYS[3])}
`;

// State of an unknown session is dropped rather than left as a key no session owns.
const SET_STATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[3], unpack(ARGV, 2))
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return 1
`;

const LoadReply = v.tuple([v.number(), v.array(v.string()), v.array(v.string()), v.array(v.string())]);
// ioredis gives HGETALL as an object; a flat array is accepted too (RESP2 scripts, other versions).
const HashReply = v.union([v.record(v.string(), v.string()), v.array(v.string())]);

export interface RedisSessionStoreOptions {
  /** redis:// or rediss:// URL, with optional user, password and db number. */
  url: string;
  ttlMs: number;
  keyPrefix?: string;
}

export class RedisSessionStore implements SessionStore {
  private readonly connection: FailFastRedis;
  private readonly redis: Redis;
  private readonly ttlMs: number;
  private readonly prefix: string;
  private requests = 0;

  constructor({ url, ttlMs, keyPrefix = "" }: RedisSessionStoreOptions) {
    this.ttlMs = ttlMs;
    this.prefix = keyPrefix;
    this.connection = new FailFastRedis(url);
    this.redis = this.connection.redis;
    this.redis.defineCommand("omniaLoadSession", { numberOfKeys: 3, lua: LOAD_SESSION });
    this.redis.defineCommand("omniaSetState", { numberOfKeys: 3, lua: SET_STATE });
  }

  /** Requests sent to Redis so far (each is one round trip); lets tests check the cost of an operation. */
  get roundTrips(): number {
    return this.requests;
  }

  async loadConversation(session: NewSession): Promise<{ conversation: Conversation; created: boolean }> {
    const now = new Date().toISOString();
    const args = [this.ttlMs, session.id, session.agentName, session.namespace, now, session.workspace ?? ""];
    const reply = await this.run(() => this.script("omniaLoadSession", [...this.keys(session.id), ...args]));
    const [created, meta, messages, state] = v.parse(LoadReply, reply);
    return {
      created: created === 1,
      conversation: {
        meta: toMeta(toRecord(meta)),
        messages: messages.map((item): StoredMessage => v.parse(StoredMessageSchema, JSON.parse(item))),
        state: toRecord(state),
      },
    };
  }

  async getSession(id: string): Promise<SessionMeta | null> {
    const [meta] = this.keys(id);
    const [fields] = await this.exec(this.expireAll(this.redis.multi().hgetall(meta), id));
    const record = toRecord(v.parse(HashReply, fields));
    return Object.keys(record).length === 0 ? null : toMeta(record);
  }

  async appendTurn(id: string, messages: StoredMessage[], state?: Record<string, string>): Promise<void> {
    const [meta, list, stateKey] = this.keys(id);
    const now = new Date().toISOString();
    // A session that expired during a long turn is made again holding the turn just finished.
    const tx = this.redis.multi().hsetnx(meta, "id", id).hsetnx(meta, "createdAt", now);
    if (messages.length > 0) tx.rpush(list, ...messages.map((m) => JSON.stringify(m)));
    tx.hincrby(meta, "turnCount", 1).hset(meta, "updatedAt", now);
    if (state && Object.keys(state).length > 0) tx.hset(stateKey, state);
    await this.exec(this.expireAll(tx, id));
  }

  async setState(id: string, state: Record<string, string>): Promise<void> {
    const pairs = Object.entries(state).flat();
    if (pairs.length === 0) return this.touch(id);
    await this.run(() => this.script("omniaSetState", [...this.keys(id), this.ttlMs, ...pairs]));
  }

  async touch(id: string): Promise<void> {
    await this.exec(this.expireAll(this.redis.multi(), id));
  }

  async deleteSession(id: string): Promise<void> {
    await this.run(() => this.redis.del(...this.keys(id)));
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.run(() => this.redis.ping())) === "PONG";
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  private keys(id: string): [meta: string, messages: string, state: string] {
    const base = `${this.prefix}session:${id}`;
    return [base, `${base}:messages`, `${base}:state`];
  }

  private expireAll(tx: ReturnType<Redis["multi"]>, id: string): ReturnType<Redis["multi"]> {
    for (const key of this.keys(id)) tx.pexpire(key, this.ttlMs);
    return tx;
  }

  private script(name: string, args: (string | number)[]): Promise<unknown> {
    return this.connection.script(name, args);
  }

  /** Sends a MULTI; the replies of its commands, in order. */
  private async exec(tx: ReturnType<Redis["multi"]>): Promise<unknown[]> {
    const results = await this.run(() => tx.exec());
    if (!results) throw new SessionStoreUnavailableError(`session store (Redis at ${this.connection.where}): transaction aborted`);
    return results.map(([err, reply]) => {
      if (err) throw new SessionStoreUnavailableError(`session store (Redis at ${this.connection.where}) command failed: ${err.message}`);
      return reply;
    });
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    if (this.redis.status === "end") throw new SessionStoreUnavailableError("session store (Redis) is closed");
    const notReady = this.connection.notReady();
    if (notReady) throw this.unavailable(notReady);
    this.requests += 1;
    try {
      return await op();
    } catch (err) {
      throw this.unavailable(err instanceof Error ? err.message : String(err));
    }
  }

  private unavailable(reason: string): SessionStoreUnavailableError {
    return new SessionStoreUnavailableError(`session store unavailable: ${this.connection.describe(reason)}`);
  }
}

function toRecord(reply: Record<string, string> | string[]): Record<string, string> {
  if (!Array.isArray(reply)) return reply;
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) record[reply[i] as string] = reply[i + 1] as string;
  return record;
}

function toMeta(fields: Record<string, string>): SessionMeta {
  const meta: SessionMeta = {
    id: fields.id ?? "",
    agentName: fields.agentName ?? "",
    namespace: fields.namespace ?? "",
    createdAt: fields.createdAt ?? "",
    updatedAt: fields.updatedAt ?? "",
    turnCount: Number(fields.turnCount ?? 0),
  };
  if (fields.workspace) meta.workspace = fields.workspace;
  return meta;
}
