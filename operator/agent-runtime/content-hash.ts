// Short, stable content hashes for pod template annotations: equal content gives an equal hash, so a
// reconcile that changes nothing leaves the template (and the pods) alone.
import { createHash } from "node:crypto";

export function contentHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);
}
