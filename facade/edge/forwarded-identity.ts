// The identity the Worker's front proved, handed to the session's Durable Object with the upgrade
// it forwards. Only the front reaches a Durable Object, and it always replaces whatever a client
// sent under this name, so the object can take the header as the front's word.
import * as v from "valibot";
import type { Identity } from "../../shared/auth/index.js";

export const FORWARDED_IDENTITY_HEADER = "x-omnia-edge-identity";

export const IdentitySchema = v.object({
  subject: v.string(),
  role: v.string(),
  groups: v.array(v.string()),
  method: v.picklist(["api_key", "oidc", "ticket", "none"]),
  keyName: v.optional(v.string()),
});

/** Sets the header to `identity` (none for an anonymous one), removing any a client sent. */
export function forwardIdentity(headers: Headers, identity: Identity): void {
  headers.delete(FORWARDED_IDENTITY_HEADER);
  if (identity.method !== "none") headers.set(FORWARDED_IDENTITY_HEADER, JSON.stringify(identity));
}

/** The identity the front forwarded, or undefined (an open agent, or a header that is not one). */
export function forwardedIdentity(headers: Headers): Identity | undefined {
  const raw = headers.get(FORWARDED_IDENTITY_HEADER);
  if (raw === null) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(IdentitySchema, json);
  return parsed.success ? parsed.output : undefined;
}
