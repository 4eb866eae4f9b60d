// Sessions in Redis (ioredis). Key layout (prefix default "omnia:"; the braces are a Redis
// Cluster hash tag, so one session's keys live on one shard and a script may touch them all):
//   {prefix}session:{<id>}            HASH  meta: id, agentName, namespace, workspace, createdAt, updatedAt, turnCount
//   {prefix}session:{<id>}:messages   LIST  one JSON StoredMessage per item, RPUSHed, never rewritten
//   {prefix}session:{<id>}:state      HASH  string state
// All keys of a session share its TTL, refreshed by every operation. Each operation is one round
// trip: a Lua script or a MULTI, whatever the history length.
import { Redis } from "ioredis";
import {
  SessionStoreUnavailableError,
  type Conversation,
  type NewSession,
  type SessionMeta,
  type SessionStore,
  type StoredMessage,
} from "./session-store.js";

const LOAD_SCRIPT = `
local created = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'id', ARGV[2], 'agentName', ARGV[3], 'namespace', ARGV[4], 'workspace', ARGV[5],
    'createdAt', ARGV[6], 'updatedAt', ARGV[6], 'turnCount', '0')
  created = 1
end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return {created, redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[2], 0, -1), redis.call('HGETALL', KEYS[3])}
`;

type LoadReply = [number, string[], string[], string[]];

interface ScriptedRedis extends Redis {
  omniaLoadSession(meta: string, messages: string, state: string, ...args: string[]): Promise<LoadReply>;
}

export interface RedisSessionStoreOptions {
  url: string;
  ttlMs: number;
  keyPrefix?: string;
}

export class RedisSessionStore implements SessionStore {
  private readonly redis: ScriptedRedis;
  private readonly ttlMs: number;
  private readonly prefix: string;

  constructor({ url, ttlMs, keyPrefix = "omnia:" }: RedisSessionStoreOptions) {
    this.ttlMs = ttlMs;
    this.prefix = keyPrefix;
    this.redis = new Redis(url, {
      // Fail fast while Redis is away (callers turn it into a clear error), and keep
      // reconnecting in the background so a restarted Redis is picked up by itself.
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: 5_000,
      retryStrategy: (times) => Math.min(100 * times, 2_000),
      lazyConnect: false,
    }) as ScriptedRedis;
    this.redis.on("error", () => {
      // Connection errors surface on the commands that hit them; without a listener ioredis logs them.
    });
    this.redis.defineCommand("omniaLoadSession", { numberOfKeys: 3, lua: LOAD_SCRIPT });
  }

  async loadConversation(session: NewSession): Promise<{ conversation: Conversation; created: boolean }> {
    const [meta, messages, state] = this.keys(session.id);
    const now = new Date().toISOString();
    const [created, metaFlat, items, stateFlat] = await this.run(() =>
      this.redis.omniaLoadSession(meta, messages, state, String(this.ttlMs), session.id, session.agentName, session.namespace, session.workspace ?? "", now),
    );
    return {
      created: created === 1,
      conversation: {
        meta: toMeta(pairs(metaFlat)),
        messages: items.map((item) => JSON.parse(item) as StoredMessage),
        state: pairs(stateFlat),
      },
    };
  }

  async getSession(id: string): Promise<SessionMeta | null> {
    const [meta] = this.keys(id);
    const fields = await this.run(() => this.redis.hgetall(meta));
    return Object.keys(fields).length === 0 ? null : toMeta(fields);
  }

  async appendTurn(id: string, messages: StoredMessage[], state?: Record<string, string>): Promise<void> {
    const [meta, list, stateKey] = this.keys(id);
    const tx = this.redis.multi();
    if (messages.length > 0) tx.rpush(list, ...messages.map((m) => JSON.stringify(m)));
    tx.hincrby(meta, "turnCount", 1);
    tx.hset(meta, "updatedAt", new Date().toISOString());
    if (state && Object.keys(state).length > 0) tx.hset(stateKey, state);
    for (const key of [meta, list, stateKey]) tx.pexpire(key, this.ttlMs);
    await this.exec(tx);
  }

  async setState(id: string, state: Record<string, string>): Promise<void> {
    if (Object.keys(state).length === 0) return this.touch(id);
    const [meta, list, stateKey] = this.keys(id);
    const tx = this.redis.multi().hset(stateKey, state);
    for (const key of [meta, list, stateKey]) tx.pexpire(key, this.ttlMs);
    await this.exec(tx);
  }

  async touch(id: string): Promise<void> {
    const tx = this.redis.multi();
    for (const key of this.keys(id)) tx.pexpire(key, this.ttlMs);
    await this.exec(tx);
  }

  async deleteSession(id: string): Promise<void> {
    await this.run(() => this.redis.del(...this.keys(id)));
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private keys(id: string): [string, string, string] {
    const base = `${this.prefix}session:{${id}}`;
    return [base, `${base}:messages`, `${base}:state`];
  }

  private async exec(tx: ReturnType<Redis["multi"]>): Promise<void> {
    const results = await this.run(() => tx.exec());
    const failed = results?.find(([err]) => err);
    if (failed?.[0]) throw new SessionStoreUnavailableError(`session store write failed: ${failed[0].message}`);
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw new SessionStoreUnavailableError(`session store (Redis) unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function pairs(flat: string[] | Record<string, string>): Record<string, string> {
  if (!Array.isArray(flat)) return flat;
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string;
  return out;
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
