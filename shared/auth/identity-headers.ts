// The identity as the x-omnia-* headers (gRPC metadata, or gRPC-web HTTP headers from the edge)
// the facade sends the runtime; tokens never travel, only what they proved. Values are visible
// ASCII: anything else (and `%`, and `,` which separates groups) is percent-encoded as UTF-8, so
// a plain subject such as `a@example.com` reads the same raw or decoded.
import type { AuthMethod, Identity } from "./identity.js";

export const IDENTITY_HEADERS = {
  subject: "x-omnia-user-id",
  role: "x-omnia-user-role",
  groups: "x-omnia-user-groups",
  method: "x-omnia-auth-method",
  keyName: "x-omnia-auth-key-name",
} as const;

const METHODS: readonly AuthMethod[] = ["api_key", "oidc", "ticket", "none"];

export function identityHeaders(identity: Identity): Record<string, string> {
  const headers: Record<string, string> = {
    [IDENTITY_HEADERS.subject]: headerSafe(identity.subject),
    [IDENTITY_HEADERS.role]: headerSafe(identity.role),
    [IDENTITY_HEADERS.method]: identity.method,
  };
  if (identity.groups.length > 0) headers[IDENTITY_HEADERS.groups] = identity.groups.map(headerSafe).join(",");
  if (identity.keyName !== undefined) headers[IDENTITY_HEADERS.keyName] = headerSafe(identity.keyName);
  return headers;
}

/**
 * The identity read back from headers (`read` returns a header's value or undefined); null when
 * subject, role or method is missing or malformed. Only for calls known to come from the facade.
 */
export function identityFromHeaders(read: (name: string) => string | undefined): Identity | null {
  const subject = decoded(read(IDENTITY_HEADERS.subject));
  const role = decoded(read(IDENTITY_HEADERS.role));
  const method = METHODS.find((m) => m === read(IDENTITY_HEADERS.method));
  if (!subject || !role || !method) return null;
  const groups: string[] = [];
  for (const part of read(IDENTITY_HEADERS.groups)?.split(",") ?? []) {
    const group = decoded(part);
    if (group === undefined) return null;
    groups.push(group);
  }
  const keyName = decoded(read(IDENTITY_HEADERS.keyName));
  const identity: Identity = { subject, role, groups, method };
  if (keyName) identity.keyName = keyName;
  return identity;
}

function headerSafe(text: string): string {
  return text.replace(/[^\x21-\x7e]|[%,]/gu, (ch) => encodeURIComponent(ch));
}

function decoded(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
