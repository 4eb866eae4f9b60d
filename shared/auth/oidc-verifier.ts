// Verifies OIDC JWTs with jose (Web Crypto and fetch only: the same code runs in workerd). The
// issuer's metadata comes from `<issuer>/.well-known/openid-configuration` once (again after a
// failure); its JWKS is cached by jose, which refetches it when a token names an unknown `kid`,
// at most once per cooldown (a minute by default), so a stream of made-up kids cannot make us
// hammer the issuer. Checked: signature, `iss`, `aud`, `exp` (required) and `nbf` with 60 s of
// leeway, and the algorithm against an allow-list of asymmetric ones, before any key is looked up:
// `none` and HS256 (say, signed with the public key as an HMAC secret) fail there.
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import * as v from "valibot";
import { mapClaims } from "./claim-mapping.js";
import type { OidcSettings } from "./external-auth-schema.js";

export const JWT_LEEWAY_SECONDS = 60;
export const JWKS_COOLDOWN_MS = 60_000;

export interface OidcVerifierOptions {
  /** Least time between two JWKS fetches caused by unknown kids. */
  jwksCooldownMs?: number;
  /** How long a fetched JWKS is used before it is fetched again anyway. */
  jwksMaxAgeMs?: number;
  /** Bound of each request to the issuer. */
  timeoutMs?: number;
}

export type OidcResult =
  | { ok: true; subject: string; role: string; groups: string[] }
  /** `invalid`: the token is bad (401); `unavailable`: the issuer could not be asked (503). */
  | { ok: false; kind: "invalid" | "unavailable"; reason: string };

const DiscoverySchema = v.object({ issuer: v.string(), jwks_uri: v.pipe(v.string(), v.url()) });

export class OidcVerifier {
  private jwks: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    private readonly settings: OidcSettings,
    private readonly options: OidcVerifierOptions = {},
  ) {}

  get issuer(): string {
    return this.settings.issuer;
  }

  async verify(token: string): Promise<OidcResult> {
    let keys: JWTVerifyGetKey;
    try {
      keys = await this.keySet();
    } catch (err) {
      return { ok: false, kind: "unavailable", reason: `the OIDC issuer ${this.settings.issuer} could not be asked: ${messageOf(err)}` };
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: this.settings.algorithms,
        clockTolerance: JWT_LEEWAY_SECONDS,
        requiredClaims: ["exp"],
      });
      const mapped = mapClaims(payload, this.settings.claimMapping, this.settings.defaultRole);
      return mapped.ok ? mapped : { ok: false, kind: "invalid", reason: mapped.reason };
    } catch (err) {
      return describeFailure(err, this.settings.issuer);
    }
  }

  private keySet(): Promise<JWTVerifyGetKey> {
    this.jwks ??= this.discover().catch((err: unknown) => {
      this.jwks = undefined;
      throw err;
    });
    return this.jwks;
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const { issuer } = this.settings;
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    const url = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
    const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    const parsed = v.safeParse(DiscoverySchema, await response.json().catch(() => undefined));
    if (!parsed.success) throw new Error(`${url} is not OIDC metadata with issuer and jwks_uri`);
    // OIDC Discovery 4.3: the metadata must name the issuer it was fetched for.
    if (parsed.output.issuer !== issuer) throw new Error(`${url} names the issuer ${parsed.output.issuer}, not ${issuer}`);
    return createRemoteJWKSet(new URL(parsed.output.jwks_uri), {
      cooldownDuration: this.options.jwksCooldownMs ?? JWKS_COOLDOWN_MS,
      cacheMaxAge: this.options.jwksMaxAgeMs ?? 600_000,
      timeoutDuration: timeoutMs,
    });
  }
}

function describeFailure(err: unknown, issuer: string): OidcResult {
  const invalid = (reason: string): OidcResult => ({ ok: false, kind: "invalid", reason });
  if (err instanceof errors.JWTExpired) return invalid("the token has expired");
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "nbf") return invalid("the token is not valid yet");
    if (err.claim === "iss") return invalid(`the token was not issued by ${issuer}`);
    if (err.claim === "aud") return invalid("the token is not meant for this audience");
    return invalid(`the token's ${err.claim} claim is not acceptable (${err.reason})`);
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return invalid("the token's signing algorithm is not accepted");
  if (err instanceof errors.JWSSignatureVerificationFailed) return invalid("the token's signature does not verify");
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return invalid("no key of the issuer matches the token");
  // A JWKS answered with something other than 200 is a generic JOSEError; fetch's own failures are TypeErrors.
  const generic = err instanceof errors.JOSEError && err.code === "ERR_JOSE_GENERIC";
  if (generic || err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || err instanceof TypeError) {
    return { ok: false, kind: "unavailable", reason: `the OIDC issuer's keys could not be fetched: ${messageOf(err)}` };
  }
  if (err instanceof errors.JOSEError) return invalid(`the token is malformed (${err.code})`);
  return { ok: false, kind: "unavailable", reason: `the token could not be checked: ${messageOf(err)}` };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
