import * as v from "valibot";

// The server's media frames (PROTOCOL.md section 1, "Media over the socket"). Kept apart from
// ServerFrameSchema: clients that do not upload (shared/client) report them as unknown and go on.

const Timestamp = v.pipe(v.string(), v.isoTimestamp());

export const UploadReadyFrameSchema = v.object({
  type: v.literal("upload_ready"),
  timestamp: Timestamp,
  session_id: v.string(),
  upload_ready: v.object({
    upload_id: v.string(),
    upload_url: v.string(),
    storage_ref: v.string(),
    expires_at: Timestamp,
    // Ours: the client sends the bytes with exactly this method and these headers.
    method: v.literal("PUT"),
    headers: v.record(v.string(), v.string()),
  }),
});

export const UploadCompleteFrameSchema = v.object({
  type: v.literal("upload_complete"),
  timestamp: Timestamp,
  session_id: v.string(),
  upload_complete: v.object({
    upload_id: v.string(),
    storage_ref: v.string(),
    size_bytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
});

export type UploadReadyFrame = v.InferOutput<typeof UploadReadyFrameSchema>;
export type UploadCompleteFrame = v.InferOutput<typeof UploadCompleteFrameSchema>;
