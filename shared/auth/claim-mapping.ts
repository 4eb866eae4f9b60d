// Reads subject, role and groups out of verified JWT claims through `claimMapping`. Strict about
// types: a claim of the wrong shape refuses the token rather than being coerced (a number subject
// or an object role would otherwise become "123" or "[object Object]" and own someone's sessions).
import type { ClaimMapping } from "./external-auth-schema.js";

export type MappedClaims = { ok: true; subject: string; role: string; groups: string[] } | { ok: false; reason: string };

/** Subjects of API keys are `apikey:<name>`; a token may not claim one. */
export const API_KEY_SUBJECT_PREFIX = "apikey:";

export function mapClaims(claims: Record<string, unknown>, mapping: ClaimMapping, defaultRole: string): MappedClaims {
  const subject = claimAt(claims, mapping.subject);
  if (typeof subject !== "string" || subject === "") return { ok: false, reason: `claim ${mapping.subject} (the subject) is missing or not a non-empty string` };
  if (subject.startsWith(API_KEY_SUBJECT_PREFIX)) return { ok: false, reason: `claim ${mapping.subject} may not start with ${API_KEY_SUBJECT_PREFIX}` };

  const role = claimAt(claims, mapping.role);
  if (role !== undefined && (typeof role !== "string" || role === "")) return { ok: false, reason: `claim ${mapping.role} (the role) is not a non-empty string` };

  const groups = claimAt(claims, mapping.groups);
  let groupList: string[];
  if (groups === undefined) groupList = [];
  else if (typeof groups === "string") groupList = [groups];
  else if (Array.isArray(groups) && groups.every((g): g is string => typeof g === "string")) groupList = groups;
  else return { ok: false, reason: `claim ${mapping.groups} (the groups) is not a string or a list of strings` };

  return { ok: true, subject, role: role ?? defaultRole, groups: groupList };
}

/** The value at a dotted path; a name that itself holds dots (`https://x/roles`) is tried whole first. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let at: unknown = claims;
  for (const part of path.split(".")) {
    if (at === null || typeof at !== "object" || Array.isArray(at) || !Object.hasOwn(at, part)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}
