// Core v1 Secret. `data` values are base64 (checked here so a bad value fails at load);
// `stringData` is plain text and, as in Kubernetes, wins over `data` for the same key.
import * as v from "valibot";
import { ObjectMetaSchema, StringMapSchema } from "./meta.js";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const SecretSchema = v.object({
  apiVersion: v.literal("v1"),
  kind: v.literal("Secret"),
  metadata: ObjectMetaSchema,
  type: v.optional(v.string(), "Opaque"),
  data: v.optional(
    v.record(v.string(), v.pipe(v.string(), v.regex(BASE64, "must be base64 (use stringData for plain text)"))),
  ),
  stringData: v.optional(StringMapSchema),
  immutable: v.optional(v.boolean()),
});
export type Secret = v.InferOutput<typeof SecretSchema>;
export type SecretInput = v.InferInput<typeof SecretSchema>;

/** The decoded value of a Secret key, or undefined when the key is absent. */
export function secretValue(secret: Secret, key: string): string | undefined {
  const plain = secret.stringData?.[key];
  if (plain !== undefined) return plain;
  const encoded = secret.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, "base64").toString("utf8");
}
