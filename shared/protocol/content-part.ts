import * as v from "valibot";

// A message part as the reference's AsyncAPI ContentPart/MediaContent describe it.
export const MediaContentSchema = v.object({
  data: v.optional(v.string()),
  url: v.optional(v.string()),
  storage_ref: v.optional(v.string()),
  mime_type: v.string(),
  filename: v.optional(v.string()),
  size_bytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  width: v.optional(v.pipe(v.number(), v.integer())),
  height: v.optional(v.pipe(v.number(), v.integer())),
  detail: v.optional(v.picklist(["low", "high", "auto"])),
  duration_ms: v.optional(v.pipe(v.number(), v.integer())),
  sample_rate: v.optional(v.pipe(v.number(), v.integer())),
  channels: v.optional(v.pipe(v.number(), v.integer())),
});

export const ContentPartSchema = v.object({
  type: v.picklist(["text", "image", "audio", "video", "file"]),
  text: v.optional(v.string()),
  media: v.optional(MediaContentSchema),
});

export type MediaContent = v.InferOutput<typeof MediaContentSchema>;
export type ContentPart = v.InferOutput<typeof ContentPartSchema>;
