// The Secret that `spec.externalAuth.clientKeys.secretRef` names holds the API keys, one data entry
// per key: the entry's name is the key's name and its value the key; an optional entry
// `<name>.role` gives that key's role (else `clientKeys.defaultRole`, `viewer` by default):
//
//   stringData:
//     alice: omnia-demo-alice
//     alice.role: editor
//     bob: omnia-demo-bob        # role: the default
//
// Names are what logs, limits and `Identity.keyName` show, so they are plain words; values are
// secrets and never leave this module except as SHA-256 digests (api-key-verifier.ts).
import * as v from "valibot";
import { looksLikeJwt } from "./token-shape.js";

export interface ClientKey {
  name: string;
  key: string;
  role: string;
}

export class ClientKeySecretError extends Error {
  override readonly name = "ClientKeySecretError";
}

export const DEFAULT_KEY_ROLE = "viewer";
const ROLE_SUFFIX = ".role";
const KEY_NAME = /^[A-Za-z0-9_-]{1,63}$/;
/** Shorter keys are guessable well within what the failed-attempt limit lets through in a day. */
export const MIN_KEY_LENGTH = 12;

const SecretShape = v.object({
  data: v.optional(v.record(v.string(), v.string()), {}),
  stringData: v.optional(v.record(v.string(), v.string()), {}),
});

/**
 * The keys of a Secret as the Kubernetes API returns it (`data` base64, `stringData` plain; a
 * stringData entry wins, as the API server merges them). Throws a ClientKeySecretError naming the
 * entry that is wrong (never its value).
 */
export function clientKeysFromSecret(secret: unknown, defaultRole = DEFAULT_KEY_ROLE, secretName = "the client-keys Secret"): ClientKey[] {
  const parsed = v.safeParse(SecretShape, secret);
  if (!parsed.success) throw new ClientKeySecretError(`${secretName}: data and stringData must map names to strings`);
  const entries: Record<string, string> = {};
  for (const [name, encoded] of Object.entries(parsed.output.data)) entries[name] = decodeBase64(encoded, `${secretName}: data.${name}`);
  Object.assign(entries, parsed.output.stringData);
  return clientKeysFromEntries(entries, defaultRole, secretName);
}

/** The keys of already-decoded entries (a Secret's stringData, a mounted Secret's files). */
export function clientKeysFromEntries(entries: Record<string, string>, defaultRole = DEFAULT_KEY_ROLE, secretName = "the client-keys Secret"): ClientKey[] {
  const keys: ClientKey[] = [];
  const seen = new Map<string, string>();
  for (const [entry, raw] of Object.entries(entries)) {
    if (entry.endsWith(ROLE_SUFFIX)) {
      const owner = entry.slice(0, -ROLE_SUFFIX.length);
      if (!(owner in entries)) throw new ClientKeySecretError(`${secretName}: ${entry} gives a role to no key (there is no entry ${owner})`);
      if (raw.trim() === "") throw new ClientKeySecretError(`${secretName}: ${entry} is empty`);
      continue;
    }
    if (!KEY_NAME.test(entry)) throw new ClientKeySecretError(`${secretName}: entry ${entry} is not a key name (letters, digits, - and _, at most 63) nor <name>${ROLE_SUFFIX}`);
    const key = raw.trim();
    if (key.length < MIN_KEY_LENGTH) throw new ClientKeySecretError(`${secretName}: the key ${entry} is shorter than ${MIN_KEY_LENGTH} characters`);
    if (looksLikeJwt(key)) throw new ClientKeySecretError(`${secretName}: the key ${entry} has the shape of a JWT (three dot-separated parts) and would be taken for one`);
    const twin = seen.get(key);
    if (twin !== undefined) throw new ClientKeySecretError(`${secretName}: the keys ${twin} and ${entry} are the same key`);
    seen.set(key, entry);
    keys.push({ name: entry, key, role: entries[entry + ROLE_SUFFIX]?.trim() || defaultRole });
  }
  return keys.sort((a, b) => a.name.localeCompare(b.name));
}

function decodeBase64(encoded: string, where: string): string {
  try {
    const binary = atob(encoded);
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    throw new ClientKeySecretError(`${where} is not base64 of UTF-8 text`);
  }
}
