// AgentRuntime `spec.media` and `spec.console` (omnia-notes.md §4): where uploads go and what may be
// uploaded. Rendered into the reference's OMNIA_MEDIA_* variables for both containers (media-env.ts),
// which shared/media's parseMediaConfig reads.
import * as v from "valibot";
import { DurationSchema, NameSchema } from "./meta.js";

export const MEDIA_STORAGE_TYPES = ["none", "local", "s3", "gcs", "azure"] as const;

const BucketSchema = v.pipe(v.string(), v.minLength(1, "must not be empty"));

export const MediaStorageSchema = v.pipe(
  v.object({
    type: v.optional(v.picklist(MEDIA_STORAGE_TYPES, (issue) => `${issue.received} is not one of ${MEDIA_STORAGE_TYPES.join(", ")}`), "none"),
    local: v.optional(v.object({ path: v.optional(v.string()), baseURL: v.optional(v.pipe(v.string(), v.url("must be a URL"))) })),
    s3: v.optional(v.object({ bucket: BucketSchema, region: v.optional(v.string()), prefix: v.optional(v.string()), endpoint: v.optional(v.pipe(v.string(), v.url("must be a URL"))) })),
    gcs: v.optional(v.object({ bucket: BucketSchema, prefix: v.optional(v.string()) })),
    azure: v.optional(v.object({ account: BucketSchema, container: BucketSchema, prefix: v.optional(v.string()), endpoint: v.optional(v.pipe(v.string(), v.url("must be a URL"))) })),
    /** A Secret whose keys are the store's credential variables (AWS_ACCESS_KEY_ID, …; see media-env.ts). */
    secretRef: v.optional(v.object({ name: NameSchema })),
    maxFileSizeBytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    defaultTTL: v.optional(DurationSchema),
    uploadURLTTL: v.optional(DurationSchema),
    downloadURLTTL: v.optional(DurationSchema),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const storage = dataset.value;
    if ((storage.type === "s3" || storage.type === "gcs" || storage.type === "azure") && storage[storage.type] === undefined) {
      addIssue({ message: `required for storage type ${storage.type}`, path: [{ type: "object", origin: "value", input: storage, key: storage.type, value: undefined }] });
    }
  }),
);
export type MediaStorageSpec = v.InferOutput<typeof MediaStorageSchema>;

export const MediaSpecSchema = v.object({
  basePath: v.optional(v.string()),
  storage: v.optional(MediaStorageSchema),
});

export const ConsoleSpecSchema = v.looseObject({
  /** MIME types (wildcards such as image/* allowed) the agent accepts as attachments. */
  allowedAttachmentTypes: v.optional(v.array(v.pipe(v.string(), v.regex(/^[\w.+-]+\/([\w.+-]+|\*)$/, "must be a MIME type such as image/png or image/*")))),
});
