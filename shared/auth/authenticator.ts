// Who is asking: the one entry the facade (Node and edge) calls on every upgrade and media
// request. Credentials: `Authorization: Bearer <API key | JWT>` (a JWT is told by its shape) or,
// for browsers, `?ticket=`. Refusals are plain: 401 with a WWW-Authenticate challenge, 429 once
// an address (or a revoked key's name) has failed too often, 503 when the issuer or the ticket
// store cannot be asked; no refusal quotes the credential.
import { ApiKeyVerifier, type KeyCheck } from "./api-key-verifier.js";
import { AuthConfigError, type AuthSettings } from "./auth-settings.js";
import { BrowserTickets, type IssuedTicket } from "./browser-tickets.js";
import type { ClientKey } from "./client-key-secret.js";
import { API_KEY_SUBJECT_PREFIX } from "./claim-mapping.js";
import { anonymous, isRefusal, rateLimited, unauthorized, type Identity, type Refusal } from "./identity.js";
import { KeyedBuckets } from "./keyed-buckets.js";
import { MemoryTicketStore } from "./memory-ticket-store.js";
import { OidcVerifier, type OidcVerifierOptions } from "./oidc-verifier.js";
import { TicketStoreUnavailableError, type TicketStore } from "./ticket-store.js";
import { looksLikeJwt } from "./token-shape.js";

export interface AuthRequest {
  /** The Authorization header, as received. */
  authorization?: string | null;
  /** The `ticket` query parameter. */
  ticket?: string | null;
  /** The client's address (the socket's, or the edge's CF-Connecting-IP). */
  clientAddress: string;
}

export interface AuthenticatorParts {
  settings: AuthSettings;
  /** The keys of the Secret `settings.clientKeys` names; required when it is set. */
  clientKeys?: readonly ClientKey[];
  /** Where tickets wait (memory when not given: one replica only); close() closes it. */
  ticketStore?: TicketStore;
  oidcOptions?: OidcVerifierOptions;
  /** Prefix of ticket keys in a shared store. */
  ticketKeyPrefix?: string;
  now?: () => number;
}

/** Retry hint of a 503: the issuer or the store is expected back soon. */
const UNAVAILABLE_RETRY_SECONDS = 5;
const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

export class Authenticator {
  readonly settings: AuthSettings;
  private readonly apiKeys: ApiKeyVerifier | undefined;
  private readonly oidc: OidcVerifier | undefined;
  private readonly tickets: BrowserTickets;
  private readonly failures: KeyedBuckets;

  private constructor(settings: AuthSettings, apiKeys: ApiKeyVerifier | undefined, tickets: BrowserTickets, parts: AuthenticatorParts) {
    this.settings = settings;
    this.apiKeys = apiKeys;
    this.oidc = settings.oidc && new OidcVerifier(settings.oidc, parts.oidcOptions);
    this.tickets = tickets;
    this.failures = new KeyedBuckets({ perMinute: settings.failedAttemptsPerMinute, burst: settings.failedAttemptsBurst, now: parts.now });
  }

  static async create(parts: AuthenticatorParts): Promise<Authenticator> {
    const { settings } = parts;
    if (settings.clientKeys && !parts.clientKeys) throw new AuthConfigError(`clientKeys: the keys of Secret ${settings.clientKeys.secretRef.name} were not given`);
    const apiKeys = settings.clientKeys ? await ApiKeyVerifier.create(parts.clientKeys ?? []) : undefined;
    const tickets = new BrowserTickets(parts.ticketStore ?? new MemoryTicketStore(parts.now), {
      ttlMs: settings.ticketTtlSeconds * 1000,
      keyPrefix: parts.ticketKeyPrefix,
      now: parts.now,
    });
    return new Authenticator(settings, apiKeys, tickets, parts);
  }

  /** Swaps the API keys (the Secret changed); a removed key is refused from the next request on. */
  async replaceKeys(keys: readonly ClientKey[]): Promise<void> {
    if (!this.apiKeys) throw new AuthConfigError("replaceKeys: this agent has no clientKeys configured");
    await this.apiKeys.replaceKeys(keys);
  }

  /**
   * The identity behind an upgrade or media request to `agent` (the facade's name for it, e.g.
   * namespace/name). The Authorization header wins over a ticket when both are sent.
   */
  async authenticate(request: AuthRequest, agent: string): Promise<Identity | Refusal> {
    if (this.settings.mode === "none") return anonymous();
    const address = `addr:${request.clientAddress}`;
    const wait = this.failures.waitSeconds(address);
    if (wait > 0) return rateLimited(wait);

    if (request.authorization) return this.counted(address, () => this.bearer(request.authorization ?? ""));
    if (request.ticket) return this.counted(address, () => this.redeem(request.ticket ?? "", agent));
    return unauthorized("authentication required: send Authorization: Bearer <API key or JWT>, or ?ticket= from POST /ws/ticket", false);
  }

  /** `POST /ws/ticket`: a ticket for `agent`, bought with a bearer token (never with another ticket). */
  async issueTicket(request: AuthRequest, agent: string): Promise<IssuedTicket | Refusal> {
    const identity = await this.authenticate({ authorization: request.authorization, clientAddress: request.clientAddress }, agent);
    if (isRefusal(identity)) return identity;
    try {
      return await this.tickets.issueTicket(identity, agent);
    } catch (err) {
      if (err instanceof TicketStoreUnavailableError) return unavailable(err.message);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.tickets.close();
  }

  /** Runs a check; a 401 it answers costs the address (and a named key) one failed attempt. */
  private async counted(address: string, check: () => Promise<Identity | Refusal>): Promise<Identity | Refusal> {
    const result = await check();
    if (!isRefusal(result) || result.status !== 401) return result;
    this.failures.spend(address);
    if (result.keyName === undefined) return result;
    const key = `key:${result.keyName}`;
    this.failures.spend(key);
    const wait = this.failures.waitSeconds(key);
    return wait > 0 ? { ...rateLimited(wait), keyName: result.keyName } : result;
  }

  private async bearer(header: string): Promise<Identity | Refusal> {
    const token = BEARER.exec(header)?.[1];
    if (!token) return unauthorized("the Authorization header must be Bearer <token>", true);
    if (looksLikeJwt(token)) return this.jwt(token);
    if (!this.apiKeys) return unauthorized("API keys are not accepted by this agent", true);
    return keyIdentity(await this.apiKeys.verify(token));
  }

  private async jwt(token: string): Promise<Identity | Refusal> {
    if (!this.oidc) return unauthorized("JWTs are not accepted by this agent (no OIDC issuer configured)", true);
    const result = await this.oidc.verify(token);
    if (result.ok) return { subject: result.subject, role: result.role, groups: result.groups, method: "oidc" };
    return result.kind === "unavailable" ? unavailable(result.reason) : unauthorized(result.reason, true);
  }

  private async redeem(ticket: string, agent: string): Promise<Identity | Refusal> {
    try {
      const identity = await this.tickets.redeemTicket(ticket, agent);
      return identity ?? unauthorized("the ticket is unknown, already used, expired or for another agent", true);
    } catch (err) {
      if (err instanceof TicketStoreUnavailableError) return unavailable(err.message);
      throw err;
    }
  }
}

function keyIdentity(check: KeyCheck): Identity | Refusal {
  if (check.status === "valid") return { subject: `${API_KEY_SUBJECT_PREFIX}${check.name}`, role: check.role, groups: [], method: "api_key", keyName: check.name };
  // The name goes to the per-name count and the log, not to the client.
  if (check.status === "revoked") return { ...unauthorized("the API key has been revoked", true), keyName: check.name };
  return unauthorized("the API key is not valid", true);
}

function unavailable(message: string): Refusal {
  return { status: 503, code: "AGENT_UNAVAILABLE", message, retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS };
}
