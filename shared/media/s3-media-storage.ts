// Media in S3 or an S3-compatible store (MinIO, R2) through the AWS SDK v3, whose types stay in
// this file. A custom endpoint means path-style addressing (bucket in the path, not the host),
// which MinIO and R2 need. No node:* imports here; the SDK picks its runtime by package exports.
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { S3Credentials } from "./media-config.js";
import { MediaError } from "./media-error.js";
import { objectKey, type MediaObject } from "./media-ids.js";
import type { MediaStorage, PresignedRequest, PresignUploadInput, StoredObject } from "./media-storage.js";
import { contentDisposition } from "./content-disposition.js";

export interface S3MediaStorageOptions {
  bucket: string;
  region: string;
  prefix: string;
  endpoint?: string;
  /** Without them, the AWS SDK's default credential chain (not available at the edge). */
  credentials?: S3Credentials;
}

// The presigner leaves Content-Type out of the signature unless told to sign it; signing it and
// Content-Length makes a PUT of another type or length fail at the store.
const SIGNED_UPLOAD_HEADERS = new Set(["content-type", "content-length"]);

export class S3MediaStorage implements MediaStorage {
  readonly type = "s3";
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor({ bucket, region, prefix, endpoint, credentials }: S3MediaStorageOptions) {
    this.bucket = bucket;
    this.prefix = prefix;
    this.client = new S3Client({
      region,
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      ...(credentials ? { credentials } : {}),
      // Otherwise presigned PUTs carry a checksum of an empty body and every real upload fails.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  async presignUpload({ object, mimeType, sizeBytes, expiresInMs }: PresignUploadInput): Promise<PresignedRequest> {
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: this.key(object), ContentType: mimeType, ContentLength: sizeBytes });
    // The SDK signs at its own clock (Date.now), so the expiry is computed from the same one.
    const expiresAt = new Date(Date.now() + expiresInMs);
    const url = await this.sign(() => getSignedUrl(this.client, command, { expiresIn: seconds(expiresInMs), signableHeaders: SIGNED_UPLOAD_HEADERS }));
    return { url, method: "PUT", headers: { "Content-Type": mimeType }, expiresAt };
  }

  async presignDownload(object: MediaObject, { expiresInMs, filename }: { expiresInMs: number; filename?: string }): Promise<PresignedRequest> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.key(object),
      ...(filename ? { ResponseContentDisposition: contentDisposition(filename) } : {}),
    });
    const expiresAt = new Date(Date.now() + expiresInMs);
    const url = await this.sign(() => getSignedUrl(this.client, command, { expiresIn: seconds(expiresInMs) }));
    return { url, method: "GET", headers: {}, expiresAt };
  }

  async stat(object: MediaObject): Promise<StoredObject | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(object) }));
      return { sizeBytes: head.ContentLength ?? 0, mimeType: head.ContentType ?? "application/octet-stream" };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw this.failure("stat", err);
    }
  }

  async read(object: MediaObject): Promise<Uint8Array> {
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(object) }));
      if (!got.Body) throw new Error("the store answered without a body");
      return await got.Body.transformToByteArray();
    } catch (err) {
      if (isNotFound(err)) throw new MediaError("not_found", `media ${object.mediaId} of session ${object.sessionId} does not exist`);
      throw this.failure("read", err);
    }
  }

  async delete(object: MediaObject): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(object) }));
    } catch (err) {
      if (!isNotFound(err)) throw this.failure("delete", err);
    }
  }

  private key(object: MediaObject): string {
    return objectKey(this.prefix, object);
  }

  private async sign(make: () => Promise<string>): Promise<string> {
    try {
      return await make();
    } catch (err) {
      throw this.failure("presign", err);
    }
  }

  private failure(operation: string, err: unknown): MediaError {
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return new MediaError("storage_failed", `S3 bucket ${this.bucket}: ${operation} failed (${reason})`);
  }
}

function isNotFound(err: unknown): boolean {
  if (err instanceof S3ServiceException) return err.$metadata.httpStatusCode === 404 || err.name === "NotFound" || err.name === "NoSuchKey";
  return false;
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
