// Uploads between their request and the media's expiry, kept in the session store (not in a
// facade process) so that a confirm or a message reaching another replica, or the edge, finds
// them. Backends: memory-pending-uploads.ts (one process), redis-pending-uploads.ts (ioredis),
// upstash-pending-uploads.ts (Upstash REST, for the edge). Portable.
import * as v from "valibot";

export type UploadState = "pending" | "confirmed";

export interface PendingUpload {
  uploadId: string;
  sessionId: string;
  mediaId: string;
  /** omnia://sessions/{session_id}/media/{media_id} */
  storageRef: string;
  mimeType: string;
  sizeBytes: number;
  /** Metadata only; never part of a key or path. */
  filename: string;
  /** Epoch ms: when it was requested. */
  createdAt: number;
  /** Epoch ms: when the upload URL stops working. */
  expiresAt: number;
  /** Epoch ms: when the media (and this record) goes. */
  mediaExpiresAt: number;
  state: UploadState;
  confirmedAt?: number;
}

/** What marking an upload confirmed did. */
export type ConfirmOutcome = "confirmed" | "already_confirmed" | "not_found";

export interface PendingUploads {
  /** Records a new upload; it lives until its mediaExpiresAt. */
  add(upload: PendingUpload): Promise<void>;
  /** The upload by its id, or null when unknown or gone. */
  get(uploadId: string): Promise<PendingUpload | null>;
  /** The upload that made a session's media, or null. Another session's media is not found. */
  getByMedia(sessionId: string, mediaId: string): Promise<PendingUpload | null>;
  /** Moves pending -> confirmed, once: atomic, so two replicas confirming at once get one "confirmed". */
  confirm(uploadId: string, at: number): Promise<ConfirmOutcome>;
  close(): Promise<void>;
}

export class PendingUploadsUnavailableError extends Error {
  override readonly name = "PendingUploadsUnavailableError";
}

/** Checks a record read back from a store (another version may have written it). */
export const PendingUploadSchema: v.GenericSchema<unknown, PendingUpload> = v.object({
  uploadId: v.string(),
  sessionId: v.string(),
  mediaId: v.string(),
  storageRef: v.string(),
  mimeType: v.string(),
  sizeBytes: v.number(),
  filename: v.string(),
  createdAt: v.number(),
  expiresAt: v.number(),
  mediaExpiresAt: v.number(),
  state: v.picklist(["pending", "confirmed"]),
  confirmedAt: v.optional(v.number()),
});
