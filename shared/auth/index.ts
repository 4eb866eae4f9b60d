// The portable authentication core (Node and workerd). The ioredis ticket store is Node-only and
// is imported from ./redis-ticket-store.js directly, so importing this module never reaches it.
export { ApiKeyVerifier, type KeyCheck } from "./api-key-verifier.js";
export {
  AuthConfigError,
  AuthSettingsSchema,
  authSettingsFromExternalAuth,
  checkListenerAuth,
  isLoopbackHost,
  parseAuthSettings,
  type AuthSettings,
  type AuthSettingsInput,
  type ListenerAgent,
  type ListenerCheck,
} from "./auth-settings.js";
export { Authenticator, type AuthenticatorParts, type AuthRequest } from "./authenticator.js";
export { BrowserTickets, TICKET_TTL_MS, type BrowserTicketsOptions, type IssuedTicket } from "./browser-tickets.js";
export { API_KEY_SUBJECT_PREFIX, claimAt, mapClaims, type MappedClaims } from "./claim-mapping.js";
export { ClientKeySecretError, clientKeysFromEntries, clientKeysFromSecret, DEFAULT_KEY_ROLE, MIN_KEY_LENGTH, type ClientKey } from "./client-key-secret.js";
export {
  ASYMMETRIC_ALGORITHMS,
  ClaimMappingSchema,
  ClientKeysSchema,
  EdgeTrustSchema,
  ExternalAuthSchema,
  OidcSettingsSchema,
  type AsymmetricAlgorithm,
  type ClaimMapping,
  type ClientKeysSettings,
  type ExternalAuth,
  type OidcSettings,
  type OidcSettingsInput,
} from "./external-auth-schema.js";
export { anonymous, isRefusal, rateLimited, REALM, unauthorized, type AuthMethod, type Identity, type Refusal, type RefusalCode } from "./identity.js";
export { IDENTITY_HEADERS, identityFromHeaders, identityHeaders } from "./identity-headers.js";
export { IdentityLimiter, IdentityLimitsSchema, type ConnectionAnswer, type IdentityLimitSettings, type LimitAnswer } from "./identity-limits.js";
export { KeyedBuckets, type BucketSettings } from "./keyed-buckets.js";
export { MemoryTicketStore } from "./memory-ticket-store.js";
export { JWKS_COOLDOWN_MS, JWT_LEEWAY_SECONDS, OidcVerifier, type OidcResult, type OidcVerifierOptions } from "./oidc-verifier.js";
export { TicketStoreUnavailableError, type TicketStore } from "./ticket-store.js";
export { looksLikeJwt } from "./token-shape.js";
export { UpstashTicketStore } from "./upstash-ticket-store.js";
