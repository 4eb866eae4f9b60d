// The one interface every media backend implements (local disk, S3, GCS, Azure). A backend's SDK
// types never leave its own file; callers see only these shapes. Portable.
import type { MediaObject } from "./media-ids.js";

export type MediaStorageType = "local" | "s3" | "gcs" | "azure";

export interface PresignUploadInput {
  object: MediaObject;
  /** The local backend's URL names the upload (its capability); cloud URLs name the object. */
  uploadId: string;
  mimeType: string;
  sizeBytes: number;
  expiresInMs: number;
}

/** An HTTP request the client makes exactly as given (method, URL, headers). */
export interface PresignedRequest {
  url: string;
  method: "PUT" | "GET";
  /** Headers the client must send; the signature covers them. */
  headers: Record<string, string>;
  expiresAt: Date;
}

export interface StoredObject {
  sizeBytes: number;
  /** The Content-Type the store recorded for the object. */
  mimeType: string;
}

export interface MediaStorage {
  readonly type: MediaStorageType;
  /** A URL the client PUTs the bytes to; it binds method, content type and, where the store can, the length. */
  presignUpload(input: PresignUploadInput): Promise<PresignedRequest>;
  /** A URL that GETs the object until it expires. */
  presignDownload(object: MediaObject, opts: { expiresInMs: number; filename?: string }): Promise<PresignedRequest>;
  /** What the store holds under the object's key; null when nothing is there. */
  stat(object: MediaObject): Promise<StoredObject | null>;
  /** The object's bytes; throws MediaError not_found when absent. */
  read(object: MediaObject): Promise<Uint8Array>;
  /** Removes the object; absent objects are not an error. */
  delete(object: MediaObject): Promise<void>;
}

/** What a PUT must match: the upload's request, and the headers the PUT came with. */
export interface ExpectedUpload {
  mimeType: string;
  sizeBytes: number;
  filename: string;
  /** When the media expires (the sweep removes it after). */
  expiresAt: Date;
  /** The PUT's Content-Type header. */
  contentType: string | undefined;
  /** The PUT's Content-Length header, when it had one. */
  contentLength: number | undefined;
}

export interface LocalDownload extends StoredObject {
  filename: string;
  body: ReadableStream<Uint8Array>;
}

/**
 * The store when the facade is the store (the local backend): it receives the PUTs and serves the
 * bytes. Here, not beside its Node implementation, so the portable facade core can name it.
 */
export interface LocalUploadStore {
  receiveUpload(object: MediaObject, body: AsyncIterable<Uint8Array>, expected: ExpectedUpload): Promise<StoredObject>;
  openDownload(object: MediaObject): Promise<LocalDownload | null>;
}
