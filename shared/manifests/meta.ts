// Building blocks shared by every manifest shape: the API group/version, ObjectMeta, the object
// references our CRDs use, and a duration string checked the way the runtime will parse it.
import * as v from "valibot";
import { parseDuration } from "../config/duration.js";

export const OMNIA_API_VERSION = "omnia.altairalabs.ai/v1alpha1";
export const OMNIA_API_GROUP = "omnia.altairalabs.ai";

// DNS-1123 subdomain: what Kubernetes accepts for the names of ConfigMaps, Secrets and CRD objects.
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// DNS-1123 label: namespaces (and anything that becomes a Service name) must be one label.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const NameSchema = v.pipe(
  v.string(),
  v.minLength(1, "must not be empty"),
  v.maxLength(253, "must be at most 253 characters"),
  v.regex(
    DNS1123_SUBDOMAIN,
    (issue) => `${issue.received} is not a DNS-1123 name (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit)`,
  ),
);

export const NamespaceSchema = v.pipe(
  v.string(),
  v.maxLength(63, "must be at most 63 characters"),
  v.regex(DNS1123_LABEL, (issue) => `${issue.received} is not a DNS-1123 label (lowercase letters, digits and '-')`),
);

export const StringMapSchema = v.record(v.string(), v.string());

/** A JSON object kept as data (JSON Schemas, free-form config): checked to be an object, nothing more. */
export const JsonObjectSchema = v.record(v.string(), v.unknown());

// Loose: uid, resourceVersion, generation, ownerReferences … may appear in exported manifests.
export const ObjectMetaSchema = v.looseObject({
  name: NameSchema,
  namespace: v.optional(NamespaceSchema, "default"),
  labels: v.optional(StringMapSchema),
  annotations: v.optional(StringMapSchema),
});
export type ObjectMeta = v.InferOutput<typeof ObjectMetaSchema>;

/** `{name}`: a reference to an object in the referrer's namespace. */
export const LocalObjectReferenceSchema = v.object({ name: NameSchema });
export type LocalObjectReference = v.InferOutput<typeof LocalObjectReferenceSchema>;

/** `{name, namespace?}`: a reference that may cross namespaces; absent namespace means the referrer's. */
export const ObjectReferenceSchema = v.object({ name: NameSchema, namespace: v.optional(NamespaceSchema) });
export type ObjectReference = v.InferOutput<typeof ObjectReferenceSchema>;

/** `{name, key?}`: a Secret key; the consumer decides the default key. */
export const SecretKeyReferenceSchema = v.object({ name: NameSchema, key: v.optional(v.string()) });
export type SecretKeyReference = v.InferOutput<typeof SecretKeyReferenceSchema>;

function isDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

/** Go-style duration ("30s", "5m", "24h"); rejected here so a typo fails at load, not mid-turn. */
export const DurationSchema = v.pipe(
  v.string(),
  v.check(isDuration, (issue) => `${issue.received} is not a duration (expected forms like 30s, 5m, 1h30m)`),
);

/**
 * Strict object for a CRD's spec root: kubectl's strict field validation rejects unknown fields, and
 * a misspelled top-level field (e.g. `facade` vs `facades`) is the commonest mistake worth catching.
 */
export function strictSpec<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  return v.strictObject(entries, (issue) =>
    issue.expected === "never" ? `unknown field ${issue.received.replace(/^"|"$/g, "")}` : `${issue.message}`,
  );
}
