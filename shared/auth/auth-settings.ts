// The facade's auth settings for one agent, parsed once at start, and the start-up rule that
// keeps the safe setting the default: a listener beyond loopback serves only agents with auth
// configured, unless OMNIA_AUTH=none says openness is meant.
import * as v from "valibot";
import { ClientKeysSchema, OidcSettingsSchema, type ExternalAuth } from "./external-auth-schema.js";
import { IdentityLimitsSchema } from "./identity-limits.js";

export const AuthSettingsSchema = v.object({
  /** `none`: open; `required`: every upgrade and media request proves who it is. */
  mode: v.picklist(["none", "required"], (issue) => `${issue.received} is not none or required`),
  clientKeys: v.optional(ClientKeysSchema),
  oidc: v.optional(OidcSettingsSchema),
  /** How long a browser ticket stays redeemable (PROTOCOL.md: 60 s). */
  ticketTtlSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(600)), 60),
  /** Failed attempts allowed per client address (and per key name) in a minute, with this burst. */
  failedAttemptsPerMinute: v.optional(v.pipe(v.number(), v.minValue(1)), 10),
  failedAttemptsBurst: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 10),
  /** Connections and messages per subject (identity-limits.ts). */
  limits: v.optional(IdentityLimitsSchema, {}),
});

export type AuthSettings = v.InferOutput<typeof AuthSettingsSchema>;
export type AuthSettingsInput = v.InferInput<typeof AuthSettingsSchema>;

export class AuthConfigError extends Error {
  override readonly name = "AuthConfigError";
}

/** Parses settings; the error names the field (`oidc.issuer: must be a URL`). */
export function parseAuthSettings(input: unknown, where = "auth"): AuthSettings {
  const result = v.safeParse(AuthSettingsSchema, input);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue?.path?.map((p) => String(p.key)).join(".");
    throw new AuthConfigError(`${where}${path ? `.${path}` : ""}: ${issue?.message ?? "invalid"}`);
  }
  const settings = result.output;
  if (settings.mode === "required" && !settings.clientKeys && !settings.oidc) {
    throw new AuthConfigError(`${where}: mode is required but neither clientKeys nor oidc is configured`);
  }
  return settings;
}

/** An agent's settings from its AgentRuntime's `spec.externalAuth`: required when it configures keys or OIDC, else none. */
export function authSettingsFromExternalAuth(externalAuth: ExternalAuth | undefined, where = "spec.externalAuth"): AuthSettings {
  const { clientKeys, oidc } = externalAuth ?? {};
  return parseAuthSettings({ mode: clientKeys || oidc ? "required" : "none", clientKeys, oidc }, where);
}

export interface ListenerAgent {
  name: string;
  auth?: AuthSettings;
}

export interface ListenerCheck {
  /** Agents served without auth. */
  open: string[];
  /** For the start-up line: says plainly which agents are open and why that is allowed. */
  note: string;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/;

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

/**
 * Whether a facade may listen on `host` serving `agents`; throws an AuthConfigError naming the
 * setting when it may not. `omniaAuth` is OMNIA_AUTH: unset, `none` (open on purpose) or `required`.
 */
export function checkListenerAuth(host: string, agents: readonly ListenerAgent[], omniaAuth: string | undefined): ListenerCheck {
  if (omniaAuth !== undefined && omniaAuth !== "" && omniaAuth !== "none" && omniaAuth !== "required") {
    throw new AuthConfigError(`OMNIA_AUTH="${omniaAuth}": must be none or required`);
  }
  const open = agents.filter((agent) => agent.auth?.mode !== "required").map((agent) => agent.name);
  if (open.length === 0) return { open, note: "auth required for every agent" };
  const names = open.join(", ");
  if (omniaAuth === "required") {
    throw new AuthConfigError(`OMNIA_AUTH=required but agent(s) ${names} have no auth configured (spec.externalAuth.clientKeys or .oidc)`);
  }
  if (omniaAuth === "none") return { open, note: `OPEN: no auth for ${names} (OMNIA_AUTH=none)` };
  if (isLoopbackHost(host)) return { open, note: `open on loopback ${host}: no auth for ${names}` };
  throw new AuthConfigError(
    `refusing to listen on ${host} with no auth for agent(s) ${names}: configure spec.externalAuth (clientKeys or oidc), listen on 127.0.0.1, or set OMNIA_AUTH=none to run open on purpose`,
  );
}
