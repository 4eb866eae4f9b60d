// Media in Google Cloud Storage through @google-cloud/storage (Node only), whose types stay in
// this file. URLs are V4 signed URLs, signed locally with the service account's private key: an
// upload URL binds the method, the Content-Type and (as a signed extension header) the length.
import { Storage, type File } from "@google-cloud/storage";
import { contentDisposition } from "./content-disposition.js";
import { MediaError } from "./media-error.js";
import { objectKey, type MediaObject } from "./media-ids.js";
import type { MediaStorage, PresignedRequest, PresignUploadInput, StoredObject } from "./media-storage.js";

export interface GcsServiceAccountKey {
  client_email: string;
  private_key: string;
}

export interface GcsMediaStorageOptions {
  bucket: string;
  prefix: string;
  /** The service-account key file (GOOGLE_APPLICATION_CREDENTIALS)... */
  keyFilename?: string;
  /** ...or its contents. Without either, the Google SDK's default credentials. */
  credentials?: GcsServiceAccountKey;
  projectId?: string;
  /** The JSON API and signed URLs' host, for an emulator; default Google's. (The SDK also honours STORAGE_EMULATOR_HOST.) */
  apiEndpoint?: string;
}

export class GcsMediaStorage implements MediaStorage {
  readonly type = "gcs";
  private readonly storage: Storage;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor({ bucket, prefix, keyFilename, credentials, projectId, apiEndpoint }: GcsMediaStorageOptions) {
    this.storage = new Storage({
      ...(apiEndpoint ? { apiEndpoint } : {}),
      ...(keyFilename ? { keyFilename } : {}),
      ...(credentials ? { credentials } : {}),
      ...(projectId ? { projectId } : {}),
    });
    this.bucket = bucket;
    this.prefix = prefix;
  }

  async presignUpload({ object, mimeType, sizeBytes, expiresInMs }: PresignUploadInput): Promise<PresignedRequest> {
    // The SDK signs at its own clock (Date.now), so the expiry is computed from the same one.
    const expiresAt = new Date(Date.now() + expiresInMs);
    const url = await this.sign(object, {
      version: "v4",
      action: "write",
      expires: expiresAt,
      contentType: mimeType,
      extensionHeaders: { "content-length": String(sizeBytes) },
    });
    return { url, method: "PUT", headers: { "Content-Type": mimeType }, expiresAt };
  }

  async presignDownload(object: MediaObject, { expiresInMs, filename }: { expiresInMs: number; filename?: string }): Promise<PresignedRequest> {
    const expiresAt = new Date(Date.now() + expiresInMs);
    const url = await this.sign(object, {
      version: "v4",
      action: "read",
      expires: expiresAt,
      ...(filename ? { responseDisposition: contentDisposition(filename) } : {}),
    });
    return { url, method: "GET", headers: {}, expiresAt };
  }

  async stat(object: MediaObject): Promise<StoredObject | null> {
    try {
      const [metadata] = await this.file(object).getMetadata();
      return { sizeBytes: Number(metadata.size ?? 0), mimeType: metadata.contentType ?? "application/octet-stream" };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw this.failure("stat", err);
    }
  }

  async read(object: MediaObject): Promise<Uint8Array> {
    try {
      const [bytes] = await this.file(object).download();
      return new Uint8Array(bytes);
    } catch (err) {
      if (isNotFound(err)) throw new MediaError("not_found", `media ${object.mediaId} of session ${object.sessionId} does not exist`);
      throw this.failure("read", err);
    }
  }

  async delete(object: MediaObject): Promise<void> {
    try {
      await this.file(object).delete({ ignoreNotFound: true });
    } catch (err) {
      throw this.failure("delete", err);
    }
  }

  private file(object: MediaObject): File {
    return this.storage.bucket(this.bucket).file(objectKey(this.prefix, object));
  }

  private async sign(object: MediaObject, config: Parameters<File["getSignedUrl"]>[0]): Promise<string> {
    try {
      const [url] = await this.file(object).getSignedUrl(config);
      return url;
    } catch (err) {
      throw this.failure("presign", err);
    }
  }

  private failure(operation: string, err: unknown): MediaError {
    return new MediaError("storage_failed", `GCS bucket ${this.bucket}: ${operation} failed (${err instanceof Error ? err.message : String(err)})`);
  }
}

function isNotFound(err: unknown): boolean {
  return typeof err === "object" && err !== null && Reflect.get(err, "code") === 404;
}
