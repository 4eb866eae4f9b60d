// The operator process's configuration, parsed once at start from the environment.
import { hostname } from "node:os";
import * as v from "valibot";

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const EnvSchema = v.object({
  OMNIA_LOG_LEVEL: v.optional(v.picklist(LEVELS, `OMNIA_LOG_LEVEL: one of ${LEVELS.join(", ")}`), "info"),
  /** Where the leader election Lease lives: the operator's own namespace (downward API). */
  OMNIA_OPERATOR_NAMESPACE: v.optional(v.pipe(v.string(), v.minLength(1, "OMNIA_OPERATOR_NAMESPACE: must not be empty")), "omnia-system"),
  OMNIA_LEADER_ELECTION_LEASE: v.optional(v.pipe(v.string(), v.minLength(1, "OMNIA_LEADER_ELECTION_LEASE: must not be empty")), "omnia-operator"),
  /** This replica in the Lease; the pod name (HOSTNAME) by default. */
  OMNIA_OPERATOR_IDENTITY: v.optional(v.string()),
  HOSTNAME: v.optional(v.string()),
});

export interface OperatorConfig {
  logLevel: (typeof LEVELS)[number];
  lease: { namespace: string; name: string; identity: string };
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
  };
}
