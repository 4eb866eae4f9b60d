// PromptPack CRD: names a pack and where its pack.json lives (a ConfigMap key). The content itself
// is validated separately (pack-content.ts) once the ConfigMap is found.
import * as v from "valibot";
import { LocalObjectReferenceSchema, OMNIA_API_VERSION, ObjectMetaSchema, strictSpec } from "./meta.js";

/** The ConfigMap key a PromptPack's content is read from. */
export const PACK_CONFIGMAP_KEY = "pack.json";

export const PromptPackSourceSchema = v.object({
  type: v.picklist(["configmap"], (issue) => `${issue.received} is not a supported source type (configmap)`),
  configMapRef: LocalObjectReferenceSchema,
});

export const PromptPackSpecSchema = strictSpec({
  packName: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  version: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  source: PromptPackSourceSchema,
  // Skills are not used yet; kept so reference manifests load.
  skills: v.optional(v.array(v.looseObject({}))),
  skillsConfig: v.optional(v.looseObject({})),
});
export type PromptPackSpec = v.InferOutput<typeof PromptPackSpecSchema>;

export const PromptPackSchema = v.object({
  apiVersion: v.literal(OMNIA_API_VERSION),
  kind: v.literal("PromptPack"),
  metadata: ObjectMetaSchema,
  spec: PromptPackSpecSchema,
  status: v.optional(v.unknown()),
});
export type PromptPack = v.InferOutput<typeof PromptPackSchema>;
export type PromptPackInput = v.InferInput<typeof PromptPackSchema>;
