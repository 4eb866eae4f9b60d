// Who a request comes from once a credential checked out, and how a refusal is answered. Tokens
// never appear in either: a Refusal's message is written for logs and responses alike.

export type AuthMethod = "api_key" | "oidc" | "ticket" | "none";

export interface Identity {
  /** Whom sessions belong to: `apikey:<name>` for a key, the mapped claim for a JWT, `anonymous` when open. */
  subject: string;
  role: string;
  groups: string[];
  /** How the credential that proved it was presented (a redeemed ticket says `ticket`). */
  method: AuthMethod;
  /** The API key's name, for a key or a ticket bought with one. */
  keyName?: string;
}

/** Codes of PROTOCOL.md: UNAUTHORIZED for a bad credential, RATE_LIMITED for too many, AGENT_UNAVAILABLE when the ticket store is down. */
export type RefusalCode = "UNAUTHORIZED" | "RATE_LIMITED" | "AGENT_UNAVAILABLE";

export interface Refusal {
  status: 401 | 429 | 503;
  code: RefusalCode;
  /** For the client and the log; never quotes a token. */
  message: string;
  /** The `WWW-Authenticate` header of a 401. */
  wwwAuthenticate?: string;
  /** The `Retry-After` header (seconds) of a 429 or a 503. */
  retryAfterSeconds?: number;
  /** The API key a refusal concerns (a revoked one), for logs; not for the client. */
  keyName?: string;
}

export const REALM = "omnia";

/** The identity of a request to an open (no auth) agent. */
export function anonymous(): Identity {
  return { subject: "anonymous", role: "anonymous", groups: [], method: "none" };
}

/**
 * A 401 in RFC 6750's words: no credential at all gets a bare challenge (no error code, as the
 * RFC asks); a bad one gets `invalid_token` with a description safe to show.
 */
export function unauthorized(message: string, presented: boolean): Refusal {
  const challenge = presented ? `Bearer realm="${REALM}", error="invalid_token", error_description="${quoteSafe(message)}"` : `Bearer realm="${REALM}"`;
  return { status: 401, code: "UNAUTHORIZED", message, wwwAuthenticate: challenge };
}

export function rateLimited(retryAfterSeconds: number): Refusal {
  return { status: 429, code: "RATE_LIMITED", message: `too many failed authentication attempts; retry in ${retryAfterSeconds} s`, retryAfterSeconds };
}

export function isRefusal(value: Identity | Refusal): value is Refusal {
  return "status" in value;
}

// A header value's quoted-string may not hold quotes, backslashes or control characters.
function quoteSafe(text: string): string {
  return text.replace(/["\\\u0000-\u001f\u007f]/g, "'");
}
