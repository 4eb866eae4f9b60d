// How the runtime gets a media part's content from its storage_ref: the bytes, or a presigned GET
// URL for providers that fetch media themselves. Portable.
import { MediaError } from "./media-error.js";
import { parseStorageRef } from "./media-ids.js";
import type { MediaStorage } from "./media-storage.js";

export interface ResolvedMedia {
  mimeType: string;
  sizeBytes: number;
  /** Present when resolved as bytes. */
  data?: Uint8Array;
  /** Present when resolved as a URL: a GET that works until it expires. */
  url?: string;
}

export interface ResolveMediaOptions {
  /** "url" presigns a GET instead of reading the bytes; the local backend always gives bytes (its URLs are the facade's). */
  as?: "bytes" | "url";
  urlTtlMs?: number;
}

const DEFAULT_URL_TTL_MS = 3_600_000;

export async function resolveMedia(storage: MediaStorage, storageRef: string, opts: ResolveMediaOptions = {}): Promise<ResolvedMedia> {
  const object = parseStorageRef(storageRef);
  if (!object) throw new MediaError("bad_request", `${JSON.stringify(storageRef)} is not a storage reference (omnia://sessions/{session_id}/media/{media_id})`);
  const stored = await storage.stat(object);
  if (!stored) throw new MediaError("not_found", `${storageRef} not found (never uploaded, or expired)`);
  if (opts.as === "url" && storage.type !== "local") {
    const presigned = await storage.presignDownload(object, { expiresInMs: opts.urlTtlMs ?? DEFAULT_URL_TTL_MS });
    return { mimeType: stored.mimeType, sizeBytes: stored.sizeBytes, url: presigned.url };
  }
  const data = await storage.read(object);
  return { mimeType: stored.mimeType, sizeBytes: data.byteLength, data };
}
