// AgentRuntime `spec.externalAuth` (omnia-notes.md §5) plus what the reference leaves implicit: the
// Secret holding the API keys (`clientKeys.secretRef`) and the accepted JWT algorithms. The facade's
// auth settings (auth-settings.ts) are this block plus a mode, so a manifest and a local config
// read the same way.
import * as v from "valibot";

/** Signature algorithms with a public verification key; HMAC and `none` are never accepted. */
export const ASYMMETRIC_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"] as const;
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

const DEFAULT_ROLE = "viewer";

/** A claim name, or a dotted path into nested claims (`realm_access.roles`). */
const ClaimPathSchema = v.pipe(v.string(), v.regex(/^[^.\s]+(\.[^.\s]+)*$/, "must be a claim name or a dotted path such as realm_access.roles"));

export const ClaimMappingSchema = v.object({
  subject: v.optional(ClaimPathSchema, "sub"),
  role: v.optional(ClaimPathSchema, "role"),
  groups: v.optional(ClaimPathSchema, "groups"),
});

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** https, or http to a loopback host (a local or test issuer); no query or fragment, as OIDC Discovery requires. */
const IssuerSchema = v.pipe(
  v.string(),
  v.url("must be a URL"),
  v.check((text) => {
    const url = new URL(text);
    return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.test(url.hostname));
  }, "must be an https URL (http only for a loopback issuer)"),
  v.check((text) => !text.includes("?") && !text.includes("#"), "must not have a query or fragment"),
);

export const OidcSettingsSchema = v.object({
  issuer: IssuerSchema,
  /** The `aud` a token must carry (one of them, when several). */
  audience: v.union([v.pipe(v.string(), v.minLength(1, "must not be empty")), v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1, "must name at least one audience"))]),
  claimMapping: v.optional(ClaimMappingSchema, {}),
  algorithms: v.optional(
    v.pipe(
      v.array(v.picklist(ASYMMETRIC_ALGORITHMS, (issue) => `${issue.received} is not an accepted algorithm (${ASYMMETRIC_ALGORITHMS.join(", ")})`)),
      v.minLength(1, "must name at least one algorithm"),
    ),
    [...ASYMMETRIC_ALGORITHMS],
  ),
  /** The role of a token whose role claim is absent. */
  defaultRole: v.optional(v.pipe(v.string(), v.minLength(1)), DEFAULT_ROLE),
});

export const ClientKeysSchema = v.object({
  /** The Secret (same namespace) with one entry per key: see client-key-secret.ts. */
  secretRef: v.object({ name: v.pipe(v.string(), v.minLength(1, "must name a Secret")) }),
  defaultRole: v.optional(v.pipe(v.string(), v.minLength(1)), DEFAULT_ROLE),
  trustEndUserHeader: v.optional(v.boolean(), false),
});

export const EdgeTrustSchema = v.looseObject({
  headerMapping: v.optional(v.record(v.string(), v.string())),
  claimsFromHeaders: v.optional(v.boolean()),
});

export const ExternalAuthSchema = v.object({
  clientKeys: v.optional(ClientKeysSchema),
  oidc: v.optional(OidcSettingsSchema),
  edgeTrust: v.optional(EdgeTrustSchema),
});

export type ClaimMapping = v.InferOutput<typeof ClaimMappingSchema>;
export type OidcSettings = v.InferOutput<typeof OidcSettingsSchema>;
export type OidcSettingsInput = v.InferInput<typeof OidcSettingsSchema>;
export type ClientKeysSettings = v.InferOutput<typeof ClientKeysSchema>;
export type ExternalAuth = v.InferOutput<typeof ExternalAuthSchema>;
