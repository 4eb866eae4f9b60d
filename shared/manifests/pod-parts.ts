// Core Kubernetes pod pieces an AgentRuntime embeds (env vars, volumes, mounts). Only the fields we
// read are modelled; the rest passes through so the operator can copy them into the Deployment.
import * as v from "valibot";
import { NameSchema } from "./meta.js";

export const EnvVarSchema = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  value: v.optional(v.string()),
  // secretKeyRef / configMapKeyRef / fieldRef: resolved by Kubernetes, not by us.
  valueFrom: v.optional(v.looseObject({})),
});
export type EnvVar = v.InferOutput<typeof EnvVarSchema>;

export const KeyToPathSchema = v.looseObject({ key: v.string(), path: v.string() });
export type KeyToPath = v.InferOutput<typeof KeyToPathSchema>;

export const VolumeSchema = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  configMap: v.optional(
    v.looseObject({
      name: NameSchema,
      items: v.optional(v.array(KeyToPathSchema)),
      optional: v.optional(v.boolean()),
    }),
  ),
  secret: v.optional(
    v.looseObject({
      secretName: NameSchema,
      items: v.optional(v.array(KeyToPathSchema)),
      optional: v.optional(v.boolean()),
    }),
  ),
});
export type Volume = v.InferOutput<typeof VolumeSchema>;

export const VolumeMountSchema = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  mountPath: v.pipe(v.string(), v.startsWith("/", "must be an absolute path")),
  subPath: v.optional(v.string()),
  readOnly: v.optional(v.boolean()),
});
export type VolumeMount = v.InferOutput<typeof VolumeMountSchema>;

/** requests/limits with Kubernetes quantities ("500m", "1Gi", 2). */
export const ResourceRequirementsSchema = v.looseObject({
  requests: v.optional(v.record(v.string(), v.union([v.string(), v.number()]))),
  limits: v.optional(v.record(v.string(), v.union([v.string(), v.number()]))),
});
