// Server-side apply as the operator: the field manager, and the hash of what we last applied, kept
// on the object so a field we stopped sending changes it and the object is applied again.
import type { KubernetesObject } from "@kubernetes/client-node";
import { contentHash } from "../agent-runtime/content-hash.js";

export const FIELD_MANAGER = "omnia-operator";
export const APPLIED_HASH_ANNOTATION = "omnia.altairalabs.ai/applied-hash";

export function withAppliedHash(object: KubernetesObject & { metadata: NonNullable<KubernetesObject["metadata"]> }): KubernetesObject {
  const hash = contentHash(JSON.stringify(object));
  return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [APPLIED_HASH_ANNOTATION]: hash } } };
}
