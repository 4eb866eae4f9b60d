// The facade's media: the upload flow of shared/media (MediaUploads) plus who to tell when an
// upload completes. A socket that asked for an upload, or sent a message naming one, listens on
// its session here; the local PUT route and confirm-upload announce completed uploads, which go
// out as `upload_complete` on that session's sockets, in this process and, through an announcer
// (Redis pub/sub in the pods, the session's Durable Object at the edge), on the other replicas.
// Without one, a socket on another replica hears of it at the latest when its message names the
// upload. Portable.
import type { Context } from "hono";
import * as v from "valibot";
import type { MediaInfo, MediaUploads } from "../../shared/media/media-uploads.js";
import { parseStorageRef, type MediaObject } from "../../shared/media/media-ids.js";
import type { LocalDownload, MediaStorageType } from "../../shared/media/media-storage.js";

/** What serves downloads when the facade is the store (the local backend). */
export interface LocalDownloads {
  openDownload(object: MediaObject): Promise<LocalDownload | null>;
}

/** Media is off for this facade, and why (a socket or HTTP client is told so). */
export interface MediaDisabled {
  disabled: string;
}

export type MediaListener = (info: MediaInfo) => void;

/** Tells the other replicas of completed uploads, and hands over theirs. */
export interface MediaAnnouncer {
  /** Starts delivering the other replicas' completions. */
  start(deliver: MediaListener): Promise<void>;
  /** Settles once told (or once telling failed, which it logs): never rejects. */
  publish(info: MediaInfo): Promise<void>;
  close(): Promise<void>;
}

/** A completed upload as it crosses between replicas (JSON of MediaInfo), checked on arrival. */
export const MediaInfoSchema = v.object({
  uploadId: v.string(),
  storageRef: v.string(),
  filename: v.string(),
  mimeType: v.string(),
  sizeBytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  createdAt: v.string(),
  expiresAt: v.string(),
});

export class FacadeMedia {
  private readonly listeners = new Map<string, Set<MediaListener>>();

  /** Set for the local backend: the facade receives the PUTs and serves the bytes. */
  readonly local: LocalDownloads | undefined;
  /** How the placement reads a PUT's body (Node: the request stream itself, faster than a web stream); default the Request's body. */
  readonly requestBody: ((c: Context) => AsyncIterable<Uint8Array> | undefined) | undefined;

  constructor(
    readonly uploads: MediaUploads,
    readonly storageType: MediaStorageType,
    opts: { local?: LocalDownloads; requestBody?: (c: Context) => AsyncIterable<Uint8Array> | undefined; announcer?: MediaAnnouncer } = {},
  ) {
    this.local = opts.local;
    this.requestBody = opts.requestBody;
    this.announcer = opts.announcer;
  }

  private readonly announcer: MediaAnnouncer | undefined;

  /** Starts hearing the other replicas' completions (no-op without an announcer). */
  start(): Promise<void> {
    return this.announcer?.start((info) => this.deliver(info)) ?? Promise.resolve();
  }

  close(): Promise<void> {
    return this.announcer?.close() ?? Promise.resolve();
  }

  /** Calls `listener` for each upload of `sessionId` completed in this process, until the returned function is called. */
  listen(sessionId: string, listener: MediaListener): () => void {
    let set = this.listeners.get(sessionId);
    if (!set) this.listeners.set(sessionId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(sessionId) === set) this.listeners.delete(sessionId);
    };
  }

  /**
   * An upload completed (local PUT, confirm-upload): its session's sockets hear of it, on every
   * replica. Settles once the other replicas were told, so a client answered after it knows its
   * socket has heard (or will not, and the message naming the upload says so).
   */
  completed(info: MediaInfo): Promise<void> {
    this.deliver(info);
    return this.announcer?.publish(info) ?? Promise.resolve();
  }

  /** A completion another replica announced: this process's sockets of its session hear of it. */
  deliver(info: MediaInfo): void {
    const object = parseStorageRef(info.storageRef);
    if (!object) return;
    for (const listener of [...(this.listeners.get(object.sessionId) ?? [])]) listener(info);
  }
}

/** Where pending uploads live in the session store (Redis or Upstash), the same for every placement. */
export const PENDING_UPLOADS_KEY_PREFIX = "omnia:media:";

export type FacadeMediaSetting = FacadeMedia | MediaDisabled;

export const MEDIA_NOT_CONFIGURED: MediaDisabled = { disabled: "media storage is not enabled for this agent (spec.media.storage, OMNIA_MEDIA_STORAGE_TYPE)" };

/** The media API's JSON for media info (PROTOCOL.md section 2). */
export function mediaInfoJson(info: MediaInfo): Record<string, unknown> {
  return {
    upload_id: info.uploadId,
    storage_ref: info.storageRef,
    filename: info.filename,
    mime_type: info.mimeType,
    size_bytes: info.sizeBytes,
    created_at: info.createdAt,
    expires_at: info.expiresAt,
  };
}
