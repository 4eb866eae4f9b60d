// Core v1 ConfigMap: where PromptPack content, mock scenarios and other files reach agents.
import * as v from "valibot";
import { ObjectMetaSchema, StringMapSchema } from "./meta.js";

export const ConfigMapSchema = v.object({
  apiVersion: v.literal("v1"),
  kind: v.literal("ConfigMap"),
  metadata: ObjectMetaSchema,
  data: v.optional(StringMapSchema, {}),
  binaryData: v.optional(StringMapSchema),
  immutable: v.optional(v.boolean()),
});
export type ConfigMap = v.InferOutput<typeof ConfigMapSchema>;
export type ConfigMapInput = v.InferInput<typeof ConfigMapSchema>;
