// Media on one connection: answers `upload_request` with `upload_ready`, tells the client
// `upload_complete` once per upload, and checks that every part of a message naming a
// storage_ref names media of the message's session that is there and matches its request. A
// refusal is an `error UPLOAD_FAILED` (or MEDIA_NOT_ENABLED) naming the reason; the connection
// and its session go on.
import { MediaError } from "../../shared/media/media-error.js";
import type { MediaInfo } from "../../shared/media/media-uploads.js";
import type { ContentPart } from "../../shared/protocol/content-part.js";
import type { UploadRequestFrame } from "../../shared/protocol/client-frames.js";
import { MEDIA_NOT_CONFIGURED, type FacadeMedia, type FacadeMediaSetting } from "./facade-media.js";
import type { FrameWriter } from "./frame-writer.js";
import type { Logger } from "./logger.js";

export class ConnectionMedia {
  /** Uploads this client was told are complete. */
  private readonly announced = new Set<string>();
  private readonly stopListening = new Map<string, () => void>();

  constructor(
    private readonly media: FacadeMediaSetting | undefined,
    private readonly out: FrameWriter,
    private readonly logger: Logger,
  ) {}

  /** `upload_request` on `sessionId` (the connection's session): `upload_ready`, or an error saying why not. */
  async requestUpload(sessionId: string, request: UploadRequestFrame["upload_request"]): Promise<void> {
    const media = this.enabled(sessionId);
    if (!media) return;
    this.listen(media, sessionId);
    try {
      const ticket = await media.uploads.requestUpload({ sessionId, filename: request.filename, mimeType: request.mime_type, sizeBytes: request.size_bytes });
      this.out.send("upload_ready", sessionId, {
        upload_ready: {
          upload_id: ticket.uploadId,
          upload_url: ticket.url,
          method: ticket.method,
          headers: ticket.headers,
          storage_ref: ticket.storageRef,
          expires_at: ticket.expiresAt,
        },
      });
    } catch (err) {
      this.refuse(sessionId, err, `could not prepare the upload of ${request.filename}`);
    }
  }

  /**
   * Whether a message of `sessionId` may go to the runtime: every part naming a storage_ref names
   * this session's media, uploaded and matching its request. Says `upload_complete` for uploads
   * the client has not heard of yet; answers the refusal itself.
   */
  async checkParts(sessionId: string, parts: readonly ContentPart[]): Promise<boolean> {
    const named = parts.flatMap((p) => (p.media?.storage_ref !== undefined ? [{ ref: p.media.storage_ref, mimeType: p.media.mime_type }] : []));
    if (named.length === 0) return true;
    const media = this.enabled(sessionId, "this message refers to uploaded media, but ");
    if (!media) return false;
    this.listen(media, sessionId);
    for (const { ref, mimeType } of named) {
      try {
        this.announce(sessionId, await media.uploads.mediaForMessage(sessionId, ref, mimeType));
      } catch (err) {
        this.refuse(sessionId, err, `the message was not sent: ${ref}`);
        return false;
      }
    }
    return true;
  }

  /**
   * A socket served again after hibernation forgot which sessions it listened on: it listens on
   * its session now, so an upload it asked for before still comes back as `upload_complete`.
   */
  follow(sessionId: string): void {
    if (this.media && !("disabled" in this.media)) this.listen(this.media, sessionId);
  }

  close(): void {
    for (const stop of this.stopListening.values()) stop();
    this.stopListening.clear();
  }

  private enabled(sessionId: string, prefix = ""): FacadeMedia | null {
    if (this.media && !("disabled" in this.media)) return this.media;
    this.out.error(sessionId, "MEDIA_NOT_ENABLED", prefix + (this.media ?? MEDIA_NOT_CONFIGURED).disabled);
    return null;
  }

  private listen(media: FacadeMedia, sessionId: string): void {
    if (this.stopListening.has(sessionId)) return;
    this.stopListening.set(sessionId, media.listen(sessionId, (info) => this.announce(sessionId, info)));
  }

  private announce(sessionId: string, info: MediaInfo): void {
    if (this.announced.has(info.uploadId)) return;
    this.announced.add(info.uploadId);
    this.out.send("upload_complete", sessionId, { upload_complete: { upload_id: info.uploadId, storage_ref: info.storageRef, size_bytes: info.sizeBytes } });
  }

  private refuse(sessionId: string, err: unknown, what: string): void {
    if (err instanceof MediaError) {
      this.out.error(sessionId, "UPLOAD_FAILED", `${what}: ${err.message}`, { reason: err.kind, status: err.status });
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    this.logger.warn({ session_id: sessionId, err: message }, "media storage failed");
    this.out.error(sessionId, "UPLOAD_FAILED", `${what}: the media store is unavailable (${message}); try again`, { reason: "storage_failed", status: 503 });
  }
}
