// The Node facade's configuration, parsed once at start from OMNIA_* variables; a bad value
// stops start-up with a message naming the variable.
import * as v from "valibot";
import { parseDuration } from "../../shared/config/duration.js";
import { DEFAULT_LIMITS, type FacadeLimits } from "../core/facade-options.js";
import { parseAllowedOrigins, type AllowedOrigins } from "../core/origin-policy.js";
import { AuthConfigError } from "../../shared/auth/index.js";
import { loadAuthConfig, type AuthConfig } from "./auth-config.js";
import type { MediaConfig } from "../../shared/media/media-config.js";
import { loadMediaConfig } from "./media-config.js";

export interface AgentRoute {
  namespace: string;
  name: string;
  runtimeAddress: string;
}

export interface NodeFacadeConfig {
  host: string;
  port: number;
  healthPort: number | undefined;
  agents: AgentRoute[];
  allowedOrigins: AllowedOrigins;
  limits: FacadeLimits;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  drainTimeoutMs: number;
  journal: JournalConfig;
  auth: AuthConfig;
  /** OMNIA_MEDIA_* (a bad value throws MediaConfigError). */
  media: MediaConfig;
  logLevel: string;
}

export interface JournalConfig {
  /** `off`: no frames kept, resume refused. */
  mode: "on" | "off";
  /** Shared by every replica and the runtime; without it the journal lives in this process. */
  redisUrl: string | undefined;
  ttlMs: number;
  leaseMs: number;
  /** This facade as a turn owner: the pod name (HOSTNAME) and process, unique among replicas. */
  owner: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

type Env = Record<string, string | undefined>;

const Port = v.pipe(v.string(), v.transform(Number), v.integer("must be an integer"), v.minValue(0), v.maxValue(65535));
const Positive = v.pipe(v.string(), v.transform(Number), v.number("must be a number"), v.minValue(1, "must be at least 1"));
const PositiveInteger = v.pipe(Positive, v.integer("must be an integer"));

function read<T>(env: Env, name: string, schema: v.GenericSchema<string, T>, fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const result = v.safeParse(schema, raw);
  if (!result.success) throw new ConfigError(`${name}="${raw}": ${result.issues[0]?.message ?? "invalid"}`);
  return result.output;
}

function duration(env: Env, name: string, fallbackMs: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallbackMs;
  try {
    return parseDuration(raw);
  } catch (err) {
    throw new ConfigError(`${name}: ${(err as Error).message}`);
  }
}

function agentRoutes(env: Env): AgentRoute[] {
  const routes = env.OMNIA_AGENT_ROUTES;
  if (routes) {
    return routes.split(",").map((entry) => {
      const m = /^\s*([a-z0-9-]+)\/([a-z0-9.-]+)=(\S+:\d+)\s*$/.exec(entry);
      if (!m || !m[1] || !m[2] || !m[3]) {
        throw new ConfigError(`OMNIA_AGENT_ROUTES: "${entry}" is not namespace/name=host:port`);
      }
      return { namespace: m[1], name: m[2], runtimeAddress: m[3] };
    });
  }
  const name = env.OMNIA_AGENT_NAME;
  if (!name) throw new ConfigError("OMNIA_AGENT_NAME is required (or OMNIA_AGENT_ROUTES for several agents)");
  return [{ namespace: env.OMNIA_NAMESPACE || "default", name, runtimeAddress: env.OMNIA_RUNTIME_ADDRESS || "127.0.0.1:9000" }];
}

/** The runtime's session store URL names (OMNIA_CONTEXT_URL first, as the reference reads it). */
function redisUrl(env: Env): string | undefined {
  const url = env.OMNIA_CONTEXT_URL || env.OMNIA_REDIS_URL || undefined;
  if (url !== undefined && !/^rediss?:\/\//.test(url)) throw new ConfigError(`OMNIA_REDIS_URL: "${url}" is not a redis:// or rediss:// URL`);
  return url;
}

function authConfig(env: Env, agents: readonly AgentRoute[]): AuthConfig {
  const number = (name: string, integer: boolean) => {
    const value = read(env, name, integer ? PositiveInteger : Positive, -1);
    return value < 0 ? undefined : value;
  };
  const optionalDuration = (name: string) => {
    const value = duration(env, name, -1);
    return value < 0 ? undefined : value;
  };
  try {
    return loadAuthConfig(env, agents.map((a) => `${a.namespace}/${a.name}`), number, optionalDuration);
  } catch (err) {
    if (err instanceof AuthConfigError) throw new ConfigError(err.message);
    throw err;
  }
}

export function loadNodeFacadeConfig(env: Env): NodeFacadeConfig {
  const healthPort = read(env, "OMNIA_HEALTH_PORT", Port, -1);
  const agents = agentRoutes(env);
  return {
    host: env.OMNIA_FACADE_HOST || "127.0.0.1",
    port: read(env, "PORT", Port, read(env, "OMNIA_FACADE_PORT", Port, 8080)),
    healthPort: healthPort < 0 ? undefined : healthPort,
    agents,
    allowedOrigins: parseAllowedOrigins(env.OMNIA_ALLOWED_ORIGINS),
    limits: {
      maxFrameBytes: read(env, "OMNIA_MAX_FRAME_BYTES", Positive, DEFAULT_LIMITS.maxFrameBytes),
      ratePerSecond: read(env, "OMNIA_RATE_LIMIT", Positive, DEFAULT_LIMITS.ratePerSecond),
      rateBurst: read(env, "OMNIA_RATE_BURST", Positive, DEFAULT_LIMITS.rateBurst),
      maxConnections: read(env, "OMNIA_MAX_CONNECTIONS", Positive, DEFAULT_LIMITS.maxConnections),
      clientToolAckTimeoutMs: duration(env, "OMNIA_CLIENT_TOOL_ACK_TIMEOUT", DEFAULT_LIMITS.clientToolAckTimeoutMs),
      clientToolTimeoutMs: duration(env, "OMNIA_CLIENT_TOOL_TIMEOUT", DEFAULT_LIMITS.clientToolTimeoutMs),
    },
    pingIntervalMs: duration(env, "OMNIA_PING_INTERVAL", 30_000),
    pongTimeoutMs: duration(env, "OMNIA_PONG_TIMEOUT", 60_000),
    drainTimeoutMs: duration(env, "OMNIA_DRAIN_TIMEOUT", 30_000),
    journal: {
      mode: read(env, "OMNIA_TURN_JOURNAL", v.picklist(["on", "off"], 'must be "on" or "off"'), "on"),
      redisUrl: redisUrl(env),
      ttlMs: duration(env, "OMNIA_CONTEXT_TTL", duration(env, "OMNIA_SESSION_TTL", 24 * 3_600_000)),
      leaseMs: duration(env, "OMNIA_TURN_LEASE", 10_000),
      owner: env.OMNIA_FACADE_ID || `facade:${env.HOSTNAME || "local"}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`,
    },
    auth: authConfig(env, agents),
    media: loadMediaConfig(env),
    logLevel: env.LOG_LEVEL || "info",
  };
}
