// The Node facade's auth settings, from the variables the operator renders out of the
// AgentRuntime (the env contract of issue 8):
//   OMNIA_AUTH            unset, `none` (open on purpose beyond loopback) or `required`
//   OMNIA_EXTERNAL_AUTH   JSON of spec.externalAuth, for every agent this facade serves
//   OMNIA_AUTH_KEYS_DIR   the clientKeys Secret mounted as files (default /etc/omnia/auth-keys)
//   OMNIA_AGENT_AUTH      local mode (several agents): JSON {"ns/name": {externalAuth, keysDir}}
// and tuning: OMNIA_AUTH_TICKET_TTL (seconds), OMNIA_AUTH_FAILURES_PER_MINUTE / _BURST,
// OMNIA_IDENTITY_MAX_CONNECTIONS, OMNIA_IDENTITY_MESSAGES_PER_MINUTE / _BURST,
// OMNIA_OIDC_JWKS_COOLDOWN and OMNIA_AUTH_KEYS_POLL (durations).
import * as v from "valibot";
import { AuthConfigError, authSettingsFromExternalAuth, ExternalAuthSchema, parseAuthSettings, type AuthSettings, type ExternalAuth } from "../../shared/auth/index.js";
import { parseExternalAuthVariable, parseJsonVariable } from "../core/external-auth-variable.js";

export interface AgentAuthConfig {
  settings: AuthSettings;
  /** Where the clientKeys Secret's entries are files; set when settings.clientKeys is. */
  keysDir: string | undefined;
}

export interface AuthConfig {
  /** OMNIA_AUTH as given, for the start-up check (checkListenerAuth). */
  omniaAuth: string | undefined;
  /** By agent key (namespace/name); an agent with mode `none` is open. */
  agents: Map<string, AgentAuthConfig>;
  jwksCooldownMs: number | undefined;
  keysPollMs: number;
}

export const DEFAULT_KEYS_DIR = "/etc/omnia/auth-keys";

type Env = Record<string, string | undefined>;
type NumberReader = (name: string, integer: boolean) => number | undefined;

const AgentAuthEntries = v.record(
  v.string(),
  v.object({ externalAuth: v.optional(ExternalAuthSchema), keysDir: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))) }),
);

/** Throws an AuthConfigError naming the variable (and field) that is wrong. */
export function loadAuthConfig(env: Env, agentKeys: readonly string[], number: NumberReader, duration: (name: string) => number | undefined): AuthConfig {
  const omniaAuth = env.OMNIA_AUTH || undefined;
  if (omniaAuth !== undefined && omniaAuth !== "none" && omniaAuth !== "required") throw new AuthConfigError(`OMNIA_AUTH="${omniaAuth}": must be none or required`);
  const extras = tuning(number);
  const common = env.OMNIA_EXTERNAL_AUTH ? parseExternalAuthVariable(env.OMNIA_EXTERNAL_AUTH, "OMNIA_EXTERNAL_AUTH") : undefined;
  const commonKeysDir = env.OMNIA_AUTH_KEYS_DIR || DEFAULT_KEYS_DIR;
  const agents = new Map<string, AgentAuthConfig>();
  for (const key of agentKeys) agents.set(key, agentAuth(common, commonKeysDir, "OMNIA_EXTERNAL_AUTH", extras));
  for (const [key, entry] of Object.entries(perAgent(env.OMNIA_AGENT_AUTH))) {
    const where = `OMNIA_AGENT_AUTH["${key}"]`;
    if (!agents.has(key)) throw new AuthConfigError(`${where}: this facade serves no agent ${key} (it serves ${agentKeys.join(", ")})`);
    agents.set(key, agentAuth(entry.externalAuth, entry.keysDir ?? commonKeysDir, `${where}.externalAuth`, extras));
  }
  return { omniaAuth, agents, jwksCooldownMs: duration("OMNIA_OIDC_JWKS_COOLDOWN"), keysPollMs: duration("OMNIA_AUTH_KEYS_POLL") ?? 2_000 };
}

function agentAuth(externalAuth: ExternalAuth | undefined, keysDir: string, where: string, extras: Record<string, unknown>): AgentAuthConfig {
  const settings = parseAuthSettings({ ...authSettingsFromExternalAuth(externalAuth, where), ...extras }, where);
  return { settings, keysDir: settings.clientKeys ? keysDir : undefined };
}

function perAgent(raw: string | undefined): v.InferOutput<typeof AgentAuthEntries> {
  return raw ? parseJsonVariable(raw, "OMNIA_AGENT_AUTH", AgentAuthEntries) : {};
}

/** The tuning variables as AuthSettings fields (only those set). */
function tuning(number: NumberReader): Record<string, unknown> {
  const limits: Record<string, number> = {};
  const set = (target: Record<string, unknown>, field: string, value: number | undefined) => {
    if (value !== undefined) target[field] = value;
  };
  set(limits, "maxConnectionsPerSubject", number("OMNIA_IDENTITY_MAX_CONNECTIONS", true));
  set(limits, "messagesPerMinute", number("OMNIA_IDENTITY_MESSAGES_PER_MINUTE", false));
  set(limits, "messageBurst", number("OMNIA_IDENTITY_MESSAGE_BURST", true));
  const extras: Record<string, unknown> = { limits };
  set(extras, "ticketTtlSeconds", number("OMNIA_AUTH_TICKET_TTL", true));
  set(extras, "failedAttemptsPerMinute", number("OMNIA_AUTH_FAILURES_PER_MINUTE", false));
  set(extras, "failedAttemptsBurst", number("OMNIA_AUTH_FAILURE_BURST", true));
  return extras;
}
