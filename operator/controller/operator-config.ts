// The operator process's configuration, parsed once at start from the environment.
import { hostname } from "node:os";
import * as v from "valibot";
import { DEFAULT_SETTINGS, type EdgeWorkerSettings } from "../agent-runtime/settings.js";

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const EnvSchema = v.object({
  OMNIA_LOG_LEVEL: v.optional(v.picklist(LEVELS, `OMNIA_LOG_LEVEL: one of ${LEVELS.join(", ")}`), "info"),
  /** Where the leader election Lease lives: the operator's own namespace (downward API). */
  OMNIA_OPERATOR_NAMESPACE: v.optional(v.pipe(v.string(), v.minLength(1, "OMNIA_OPERATOR_NAMESPACE: must not be empty")), "omnia-system"),
  OMNIA_LEADER_ELECTION_LEASE: v.optional(v.pipe(v.string(), v.minLength(1, "OMNIA_LEADER_ELECTION_LEASE: must not be empty")), "omnia-operator"),
  /** This replica in the Lease; the pod name (HOSTNAME) by default. */
  OMNIA_OPERATOR_IDENTITY: v.optional(v.string()),
  HOSTNAME: v.optional(v.string()),
  /** The prebuilt edge Worker bundle the operator uploads to Cloudflare. */
  OMNIA_EDGE_WORKER_BUNDLE: v.optional(v.pipe(v.string(), v.minLength(1, "OMNIA_EDGE_WORKER_BUNDLE: must not be empty")), DEFAULT_SETTINGS.edgeWorker.bundlePath),
  /** Cloudflare's API base (up to /client/v4); another only for a proxy or a test stand-in. */
  OMNIA_CLOUDFLARE_API_URL: v.optional(
    v.pipe(v.string(), v.url("OMNIA_CLOUDFLARE_API_URL: must be an absolute URL such as https://api.cloudflare.com/client/v4")),
    DEFAULT_SETTINGS.edgeWorker.cloudflareApiUrl,
  ),
});

export interface OperatorConfig {
  logLevel: (typeof LEVELS)[number];
  lease: { namespace: string; name: string; identity: string };
  edgeWorker: EdgeWorkerSettings;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function loadOperatorConfig(env: Record<string, string | undefined>): OperatorConfig {
  const parsed = v.safeParse(EnvSchema, env);
  if (!parsed.success) throw new ConfigError(parsed.issues.map((i) => i.message).join("; "));
  const e = parsed.output;
  return {
    logLevel: e.OMNIA_LOG_LEVEL,
    lease: {
      namespace: e.OMNIA_OPERATOR_NAMESPACE,
      name: e.OMNIA_LEADER_ELECTION_LEASE,
      identity: e.OMNIA_OPERATOR_IDENTITY ?? e.HOSTNAME ?? `${hostname()}-${process.pid}`,
    },
    edgeWorker: { bundlePath: e.OMNIA_EDGE_WORKER_BUNDLE, cloudflareApiUrl: e.OMNIA_CLOUDFLARE_API_URL },
  };
}
