// The edge facade's configuration, from the Worker's vars and secrets (wrangler.toml, `wrangler
// secret put`), checked once per isolate: a bad value answers every request with a 500 naming
// the variable instead of failing somewhere later.
import * as v from "valibot";
import { parseDuration } from "../../shared/config/duration.js";
import { DEFAULT_LIMITS, type FacadeLimits } from "../core/facade-options.js";
import { parseAllowedOrigins, type AllowedOrigins } from "../core/origin-policy.js";
import { AuthConfigError, authSettingsFromExternalAuth, checkListenerAuth, ClientKeySecretError, clientKeysFromEntries, type AuthSettings, type ClientKey } from "../../shared/auth/index.js";
import { parseExternalAuthVariable, parseJsonVariable } from "../core/external-auth-variable.js";
import type { MediaConfig } from "../../shared/media/media-config.js";
import { edgeMediaConfig } from "./edge-media.js";

export interface EdgeConfig {
  agent: { name: string; namespace: string };
  /** The runtime's gRPC-web base URL (its bridge port, 9002 in a pod). */
  runtimeUrl: string;
  bridgeToken: string | undefined;
  /** The shared Redis through Upstash REST; without it each session's journal lives in its Durable Object. */
  upstash: { url: string; token: string } | undefined;
  allowedOrigins: AllowedOrigins;
  limits: FacadeLimits;
  ttlMs: number;
  leaseMs: number;
  /** From OMNIA_EXTERNAL_AUTH (var) and OMNIA_AUTH_KEYS (secret); mode `none` when open on purpose. */
  auth: { settings: AuthSettings; clientKeys: ClientKey[] | undefined };
  /** OMNIA_MEDIA_* (edge-media.ts says which stores a Worker can use). */
  media: MediaConfig;
}

export class EdgeConfigError extends Error {
  override readonly name = "EdgeConfigError";
}

const Url = v.pipe(v.string(), v.url("must be a URL"));
const Text = v.pipe(v.string(), v.minLength(1, "must not be empty"));
const Positive = v.pipe(v.string(), v.transform(Number), v.number("must be a number"), v.integer("must be an integer"), v.minValue(1, "must be at least 1"));

const EnvSchema = v.object({
  OMNIA_AGENT_NAME: Text,
  OMNIA_NAMESPACE: v.optional(Text, "default"),
  OMNIA_RUNTIME_URL: Url,
  OMNIA_BRIDGE_TOKEN: v.optional(Text),
  UPSTASH_REDIS_REST_URL: v.optional(Url),
  UPSTASH_REDIS_REST_TOKEN: v.optional(Text),
  OMNIA_ALLOWED_ORIGINS: v.optional(v.string()),
  OMNIA_MAX_FRAME_BYTES: v.optional(Positive),
  OMNIA_RATE_LIMIT: v.optional(Positive),
  OMNIA_RATE_BURST: v.optional(Positive),
  OMNIA_CLIENT_TOOL_ACK_TIMEOUT: v.optional(v.string()),
  OMNIA_CLIENT_TOOL_TIMEOUT: v.optional(v.string()),
  OMNIA_SESSION_TTL: v.optional(v.string()),
  OMNIA_TURN_LEASE: v.optional(v.string()),
  OMNIA_AUTH: v.optional(v.string()),
  OMNIA_EXTERNAL_AUTH: v.optional(v.string()),
  OMNIA_AUTH_KEYS: v.optional(v.string()),
});

const KeyEntries = v.record(v.string(), v.string());

export function parseEdgeConfig(env: Record<string, unknown>): EdgeConfig {
  // Unset vars may arrive as empty strings; blank means absent.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => typeof value === "string" && value.trim() !== ""));
  const parsed = v.safeParse(EnvSchema, present);
  if (!parsed.success) {
    throw new EdgeConfigError(parsed.issues.map((i) => `${i.path?.map((p) => String(p.key)).join(".") ?? "env"}: ${i.message}`).join("; "));
  }
  const e = parsed.output;
  const media = edgeMediaConfig(present);
  if ("problems" in media) throw new EdgeConfigError(media.problems.join("; "));
  if ((e.UPSTASH_REDIS_REST_URL === undefined) !== (e.UPSTASH_REDIS_REST_TOKEN === undefined)) {
    throw new EdgeConfigError("UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN go together: set both or neither");
  }
  return {
    agent: { name: e.OMNIA_AGENT_NAME, namespace: e.OMNIA_NAMESPACE },
    runtimeUrl: e.OMNIA_RUNTIME_URL,
    bridgeToken: e.OMNIA_BRIDGE_TOKEN,
    upstash: e.UPSTASH_REDIS_REST_URL && e.UPSTASH_REDIS_REST_TOKEN ? { url: e.UPSTASH_REDIS_REST_URL, token: e.UPSTASH_REDIS_REST_TOKEN } : undefined,
    allowedOrigins: parseAllowedOrigins(e.OMNIA_ALLOWED_ORIGINS),
    limits: {
      ...DEFAULT_LIMITS,
      ...(e.OMNIA_MAX_FRAME_BYTES !== undefined ? { maxFrameBytes: e.OMNIA_MAX_FRAME_BYTES } : {}),
      ...(e.OMNIA_RATE_LIMIT !== undefined ? { ratePerSecond: e.OMNIA_RATE_LIMIT } : {}),
      ...(e.OMNIA_RATE_BURST !== undefined ? { rateBurst: e.OMNIA_RATE_BURST } : {}),
      clientToolAckTimeoutMs: duration("OMNIA_CLIENT_TOOL_ACK_TIMEOUT", e.OMNIA_CLIENT_TOOL_ACK_TIMEOUT, DEFAULT_LIMITS.clientToolAckTimeoutMs),
      clientToolTimeoutMs: duration("OMNIA_CLIENT_TOOL_TIMEOUT", e.OMNIA_CLIENT_TOOL_TIMEOUT, DEFAULT_LIMITS.clientToolTimeoutMs),
    },
    ttlMs: duration("OMNIA_SESSION_TTL", e.OMNIA_SESSION_TTL, 24 * 3_600_000),
    leaseMs: duration("OMNIA_TURN_LEASE", e.OMNIA_TURN_LEASE, 10_000),
    auth: edgeAuth(`${e.OMNIA_NAMESPACE}/${e.OMNIA_AGENT_NAME}`, e.OMNIA_EXTERNAL_AUTH, e.OMNIA_AUTH_KEYS, e.OMNIA_AUTH),
    media,
  };
}

/**
 * A Worker is reachable by anyone, so it serves an agent without auth only when OMNIA_AUTH=none
 * says so on purpose (the local workerd of `npm run start:edge` runs on loopback and does).
 */
function edgeAuth(agent: string, externalAuth: string | undefined, keys: string | undefined, omniaAuth: string | undefined): EdgeConfig["auth"] {
  try {
    const settings = authSettingsFromExternalAuth(externalAuth ? parseExternalAuthVariable(externalAuth, "OMNIA_EXTERNAL_AUTH") : undefined, "OMNIA_EXTERNAL_AUTH");
    checkListenerAuth("the edge (a public Worker)", [{ name: agent, auth: settings }], omniaAuth);
    if (!settings.clientKeys) return { settings, clientKeys: undefined };
    if (keys === undefined) throw new AuthConfigError(`OMNIA_AUTH_KEYS: required by OMNIA_EXTERNAL_AUTH.clientKeys (the entries of Secret ${settings.clientKeys.secretRef.name} as a JSON object; wrangler secret put OMNIA_AUTH_KEYS)`);
    const entries = parseJsonVariable(keys, "OMNIA_AUTH_KEYS", KeyEntries, "must be a JSON object of key name to key");
    return { settings, clientKeys: clientKeysFromEntries(entries, settings.clientKeys.defaultRole, "OMNIA_AUTH_KEYS") };
  } catch (err) {
    if (err instanceof AuthConfigError || err instanceof ClientKeySecretError) throw new EdgeConfigError(err.message);
    throw err;
  }
}


function duration(name: string, raw: string | undefined, fallbackMs: number): number {
  if (raw === undefined) return fallbackMs;
  try {
    return parseDuration(raw);
  } catch (err) {
    throw new EdgeConfigError(`${name}: ${(err as Error).message}`);
  }
}
