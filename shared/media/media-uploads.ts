// The upload flow the facade (pod or edge) runs on top of one MediaStorage and one PendingUploads:
// request an upload (checks, ids, a presigned URL, the pending record), learn that it arrived
// (a confirm, a message part naming it, or the local PUT), and hand out media info and download
// URLs. Every refusal is a MediaError with the status of PROTOCOL.md section 2. Portable, except
// receiveLocalUpload, which needs the local backend (handed in; Node only).
import { MediaError } from "./media-error.js";
import { formatStorageRef, newMediaId, newUploadId, parseStorageRef, type MediaObject } from "./media-ids.js";
import type { MediaLimits } from "./media-config.js";
import type { LocalUploadStore, MediaStorage } from "./media-storage.js";
import { mimeEssence } from "./mime-types.js";
import type { PendingUpload, PendingUploads } from "./pending-uploads.js";
import { checkUploadRequest, type UploadRequest } from "./upload-request.js";

/** What upload_ready and POST /media/request-upload answer. */
export interface UploadTicket {
  uploadId: string;
  url: string;
  method: "PUT";
  headers: Record<string, string>;
  storageRef: string;
  /** RFC 3339: when the upload URL stops working. */
  expiresAt: string;
}

/** What confirm-upload and GET /media/info answer. */
export interface MediaInfo {
  uploadId: string;
  storageRef: string;
  filename: string;
  mimeType: string;
  sizeBytes: number;
  /** RFC 3339. */
  createdAt: string;
  /** RFC 3339: when the media goes. */
  expiresAt: string;
}

/** A local PUT as the facade received it. */
export interface LocalPut {
  contentType: string | undefined;
  contentLength: number | undefined;
  body: AsyncIterable<Uint8Array>;
}

export interface MediaUploadsOptions {
  storage: MediaStorage;
  pending: PendingUploads;
  limits: MediaLimits;
  /** The local backend again, typed as such, when it is the storage: it receives PUTs. */
  local?: LocalUploadStore;
  now?: () => number;
}

export class MediaUploads {
  private readonly storage: MediaStorage;
  private readonly pending: PendingUploads;
  private readonly limits: MediaLimits;
  private readonly local: LocalUploadStore | undefined;
  private readonly now: () => number;

  constructor({ storage, pending, limits, local, now = Date.now }: MediaUploadsOptions) {
    this.storage = storage;
    this.pending = pending;
    this.limits = limits;
    this.local = local;
    this.now = now;
  }

  /** Checks the request (400, 413, 415) before anything is issued, then presigns and records the upload. */
  async requestUpload(input: UploadRequest): Promise<UploadTicket> {
    const request = checkUploadRequest(input, this.limits);
    const now = this.now();
    const uploadId = newUploadId();
    const object = { sessionId: request.sessionId, mediaId: newMediaId() };
    const presigned = await this.storage.presignUpload({ object, uploadId, mimeType: request.mimeType, sizeBytes: request.sizeBytes, expiresInMs: this.limits.uploadUrlTtlMs });
    const upload: PendingUpload = {
      uploadId,
      sessionId: object.sessionId,
      mediaId: object.mediaId,
      storageRef: formatStorageRef(object),
      mimeType: request.mimeType,
      sizeBytes: request.sizeBytes,
      filename: request.filename,
      createdAt: now,
      expiresAt: presigned.expiresAt.getTime(),
      mediaExpiresAt: now + Math.max(this.limits.mediaTtlMs, this.limits.uploadUrlTtlMs),
      state: "pending",
    };
    await this.pending.add(upload);
    return { uploadId, url: presigned.url, method: "PUT", headers: presigned.headers, storageRef: upload.storageRef, expiresAt: new Date(upload.expiresAt).toISOString() };
  }

  /**
   * POST /media/confirm-upload: checks the object is there and matches the request. `sessionId`,
   * when the caller's session is known, must own the upload (else not found). A second confirm
   * is refused with already_confirmed (409), nothing uploaded with not_uploaded, a URL that
   * expired with nothing uploaded with expired (410).
   */
  async confirmUpload(uploadId: string, sessionId?: string): Promise<MediaInfo> {
    const upload = await this.pending.get(uploadId);
    if (!upload || (sessionId !== undefined && upload.sessionId !== sessionId)) throw unknownUpload(uploadId);
    if (upload.state === "confirmed") throw alreadyConfirmed(upload);
    return this.verifyAndConfirm(upload, "strict");
  }

  /**
   * A message part naming `storageRef` in session `sessionId`: the media's info once it is there
   * and matches (confirming the upload if nobody did yet). Media of another session is not found.
   */
  async mediaForMessage(sessionId: string, storageRef: string, mimeType?: string): Promise<MediaInfo> {
    const object = parseStorageRef(storageRef);
    if (!object) throw new MediaError("bad_request", `${JSON.stringify(storageRef)} is not a storage reference (omnia://sessions/{session_id}/media/{media_id})`);
    if (object.sessionId !== sessionId) throw unknownMedia(storageRef);
    const upload = await this.pending.getByMedia(object.sessionId, object.mediaId);
    if (!upload) throw unknownMedia(storageRef);
    if (mimeType !== undefined && mimeEssence(mimeType) !== mimeEssence(upload.mimeType)) {
      throw new MediaError("mismatch", `${storageRef} was uploaded as ${upload.mimeType}, not ${mimeType}`);
    }
    return upload.state === "confirmed" ? toInfo(upload) : this.verifyAndConfirm(upload, "idempotent");
  }

  /** GET /media/info/{session_id}/{media_id}. */
  async mediaInfo(sessionId: string, mediaId: string): Promise<MediaInfo> {
    return toInfo(await this.confirmedMedia(sessionId, mediaId));
  }

  /** GET /media/download: a GET URL (cloud: presigned for the download TTL; local: the facade's route). */
  async downloadUrl(sessionId: string, mediaId: string): Promise<{ url: string; expiresAt: string }> {
    const upload = await this.confirmedMedia(sessionId, mediaId);
    const presigned = await this.storage.presignDownload(objectOf(upload), { expiresInMs: this.limits.downloadUrlTtlMs, filename: upload.filename });
    return { url: presigned.url, expiresAt: presigned.expiresAt.toISOString() };
  }

  /** PUT /media/upload/{upload_id} on the local backend: writes the body and confirms the upload. */
  async receiveLocalUpload(uploadId: string, put: LocalPut): Promise<MediaInfo> {
    if (!this.local) throw new MediaError("bad_request", `uploads go straight to the ${this.storage.type} store, not through the facade`);
    const upload = await this.pending.get(uploadId);
    if (!upload) throw unknownUpload(uploadId);
    if (upload.state === "confirmed") throw alreadyConfirmed(upload);
    if (this.now() > upload.expiresAt) throw urlExpired(upload);
    await this.local.receiveUpload(objectOf(upload), put.body, {
      mimeType: upload.mimeType,
      sizeBytes: upload.sizeBytes,
      filename: upload.filename,
      expiresAt: new Date(upload.mediaExpiresAt),
      contentType: put.contentType,
      contentLength: put.contentLength,
    });
    return this.verifyAndConfirm(upload, "strict");
  }

  private async confirmedMedia(sessionId: string, mediaId: string): Promise<PendingUpload> {
    const upload = await this.pending.getByMedia(sessionId, mediaId);
    const ref = `media ${mediaId} of session ${sessionId}`;
    if (!upload) throw unknownMedia(ref);
    if (upload.state !== "confirmed") throw new MediaError("not_uploaded", `${ref} has not been uploaded (or confirmed) yet`);
    return upload;
  }

  private async verifyAndConfirm(upload: PendingUpload, mode: "strict" | "idempotent"): Promise<MediaInfo> {
    const stored = await this.storage.stat(objectOf(upload));
    if (!stored) {
      if (this.now() > upload.expiresAt) throw urlExpired(upload);
      throw new MediaError("not_uploaded", `nothing has been uploaded for upload ${upload.uploadId} (${upload.filename}) yet: send the file to its upload URL first`);
    }
    if (stored.sizeBytes !== upload.sizeBytes || mimeEssence(stored.mimeType) !== mimeEssence(upload.mimeType)) {
      // Bytes other than the ones requested are not kept: the client may upload again while its URL lasts.
      await this.storage.delete(objectOf(upload));
      throw new MediaError(
        "mismatch",
        `the uploaded object (${stored.sizeBytes} bytes of ${stored.mimeType}) does not match the request (${upload.sizeBytes} bytes of ${upload.mimeType}); it was removed`,
      );
    }
    const at = this.now();
    const outcome = await this.pending.confirm(upload.uploadId, at);
    if (outcome === "not_found") throw unknownUpload(upload.uploadId);
    if (outcome === "already_confirmed" && mode === "strict") throw alreadyConfirmed(upload);
    return toInfo({ ...upload, state: "confirmed", confirmedAt: at });
  }
}

function objectOf(upload: PendingUpload): MediaObject {
  return { sessionId: upload.sessionId, mediaId: upload.mediaId };
}

function toInfo(upload: PendingUpload): MediaInfo {
  return {
    uploadId: upload.uploadId,
    storageRef: upload.storageRef,
    filename: upload.filename,
    mimeType: upload.mimeType,
    sizeBytes: upload.sizeBytes,
    createdAt: new Date(upload.createdAt).toISOString(),
    expiresAt: new Date(upload.mediaExpiresAt).toISOString(),
  };
}

function unknownUpload(uploadId: string): MediaError {
  return new MediaError("not_found", `upload ${uploadId} not found`);
}

function unknownMedia(what: string): MediaError {
  return new MediaError("not_found", `${what} not found`);
}

function alreadyConfirmed(upload: PendingUpload): MediaError {
  return new MediaError("already_confirmed", `upload ${upload.uploadId} was already confirmed; its media is ${upload.storageRef}`);
}

function urlExpired(upload: PendingUpload): MediaError {
  return new MediaError("expired", `the upload URL of upload ${upload.uploadId} expired at ${new Date(upload.expiresAt).toISOString()} with nothing uploaded; request a new upload`);
}
