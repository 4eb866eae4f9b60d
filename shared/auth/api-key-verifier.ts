// Checks a presented API key against the configured ones while holding only their SHA-256
// digests. Every presented key is compared with every digest, in constant time, so neither the
// answer's timing nor an early exit tells how close a guess came or which key it resembled.
// replaceKeys swaps the whole set at once: a key removed from the Secret stops working for the
// next request. Digests of removed keys are remembered (the latest 100) so that a revoked key
// still in use is recognised by name, for logs and the per-key-name limit of failed attempts.
import type { ClientKey } from "./client-key-secret.js";
import { constantTimeEqual, sha256 } from "./digest.js";

export type KeyCheck = { status: "valid"; name: string; role: string } | { status: "revoked"; name: string } | { status: "unknown" };

interface StoredKey {
  name: string;
  role: string;
  digest: Uint8Array;
}

const REMEMBERED_REVOKED = 100;

export class ApiKeyVerifier {
  private keys: readonly StoredKey[] = [];
  private revoked: readonly StoredKey[] = [];

  /** A verifier holding the digests of `keys`. */
  static async create(keys: readonly ClientKey[]): Promise<ApiKeyVerifier> {
    const verifier = new ApiKeyVerifier();
    await verifier.replaceKeys(keys);
    return verifier;
  }

  /** Replaces every key; the old set answers until the new one is hashed, then never again. */
  async replaceKeys(keys: readonly ClientKey[]): Promise<void> {
    const next = await Promise.all(keys.map(async ({ name, role, key }) => ({ name, role, digest: await sha256(key) })));
    const kept = (old: StoredKey) => next.some((key) => constantTimeEqual(key.digest, old.digest));
    const dropped = this.keys.filter((old) => !kept(old));
    this.revoked = [...dropped, ...this.revoked.filter((old) => !kept(old))].slice(0, REMEMBERED_REVOKED);
    this.keys = next;
  }

  get size(): number {
    return this.keys.length;
  }

  async verify(presented: string): Promise<KeyCheck> {
    const digest = await sha256(presented);
    const valid = findIn(this.keys, digest);
    if (valid) return { status: "valid", name: valid.name, role: valid.role };
    const revoked = findIn(this.revoked, digest);
    return revoked ? { status: "revoked", name: revoked.name } : { status: "unknown" };
  }
}

function findIn(keys: readonly StoredKey[], digest: Uint8Array): StoredKey | undefined {
  let found: StoredKey | undefined;
  // No break: the loop costs the same wherever (and whether) the key is found.
  for (const key of keys) if (constantTimeEqual(digest, key.digest)) found = key;
  return found;
}
