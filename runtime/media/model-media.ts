// Media parts that name a storage_ref -> parts a provider can send: the object's bytes (base64
// `data`) or, for a provider that fetches media itself, a presigned GET `url`. Runs before the
// turn's model calls on the whole conversation, so the history (which keeps only references) is
// resolved afresh every turn.
import { MediaError } from "../../shared/media/media-error.js";
import { parseStorageRef } from "../../shared/media/media-ids.js";
import type { MediaStorage } from "../../shared/media/media-storage.js";
import { resolveMedia } from "../../shared/media/resolve-media.js";
import type { LazyLogger } from "../lazy-logger.js";
import type { ModelMessage, ModelPart } from "../providers/language-model.js";
import { TurnError } from "../turn-error.js";

export interface ModelMediaOptions {
  /** undefined: media is off, and a message naming a storage_ref ends its turn with MEDIA_NOT_ENABLED. */
  storage: MediaStorage | undefined;
  /** How long a presigned GET handed to a URL-fetching provider stays valid (OMNIA_MEDIA_DOWNLOAD_URL_TTL). */
  downloadUrlTtlMs: number;
}

export interface ResolveOptions {
  sessionId: string;
  /** The model's LanguageModel.acceptsMediaUrls. */
  asUrls: boolean;
  /**
   * Index of the first message of this turn. Media this turn names must resolve or the turn fails;
   * media of earlier turns that is gone (expired, storage turned off) becomes a note to the model,
   * so one expired upload does not end every later turn of the session.
   */
  turnStart: number;
  log: LazyLogger;
}

export class ModelMedia {
  constructor(private readonly options: ModelMediaOptions) {}

  /** Throws the TurnError a part of this turn earns before anything is read (media off, a bad or foreign reference). */
  checkTurnParts(sessionId: string, parts: readonly ModelPart[]): void {
    for (const part of parts) {
      const ref = part.media?.storageRef;
      if (ref !== undefined) this.admit(sessionId, ref);
    }
  }

  /** `messages` with every storage_ref part carrying its content; messages without one are returned as they are. */
  async resolve(messages: readonly ModelMessage[], opts: ResolveOptions): Promise<ModelMessage[]> {
    return Promise.all(
      messages.map(async (message, index) => {
        if (message.role !== "user" || !message.parts?.some((part) => part.media?.storageRef !== undefined)) return message;
        const strict = index >= opts.turnStart;
        const parts = await Promise.all(message.parts.map((part) => this.resolvePart(part, strict, opts)));
        return { ...message, parts };
      }),
    );
  }

  private async resolvePart(part: ModelPart, strict: boolean, opts: ResolveOptions): Promise<ModelPart> {
    const ref = part.media?.storageRef;
    if (ref === undefined) return part;
    try {
      const storage = this.admit(opts.sessionId, ref);
      const media = await this.read(storage, ref, opts);
      return { type: part.type, media: { mimeType: media.mimeType, storageRef: ref, ...(media.url !== undefined ? { url: media.url } : { data: media.data }) } };
    } catch (err) {
      if (strict || !(err instanceof TurnError)) throw err;
      opts.log.info({ storage_ref: ref, reason: err.message }, "media of an earlier turn is no longer available");
      return { type: "text", text: `[${part.media?.mimeType ?? part.type} attachment ${ref} is no longer available]` };
    }
  }

  private async read(storage: MediaStorage, ref: string, opts: ResolveOptions): Promise<{ mimeType: string; data?: string; url?: string }> {
    try {
      const resolved = await resolveMedia(storage, ref, { as: opts.asUrls ? "url" : "bytes", urlTtlMs: this.options.downloadUrlTtlMs });
      if (resolved.url !== undefined) return { mimeType: resolved.mimeType, url: resolved.url };
      const bytes = resolved.data ?? new Uint8Array();
      return { mimeType: resolved.mimeType, data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64") };
    } catch (err) {
      if (!(err instanceof MediaError)) throw err;
      if (err.kind !== "storage_failed") throw new TurnError("UPLOAD_FAILED", err.message);
      // The store's own words name buckets and SDK errors: they go to the log, not to the user.
      opts.log.warn({ storage_ref: ref, reason: err.message }, "media store read failed");
      throw new TurnError("UPLOAD_FAILED", `the media store could not be read for ${ref}; nothing of this turn was saved, try again`);
    }
  }

  private admit(sessionId: string, ref: string): MediaStorage {
    const { storage } = this.options;
    if (!storage) throw new TurnError("MEDIA_NOT_ENABLED", `this agent has no media storage (spec.media.storage), so ${ref} cannot be read`);
    const object = parseStorageRef(ref);
    if (!object) throw new TurnError("INVALID_MESSAGE", `${JSON.stringify(ref)} is not a storage reference (omnia://sessions/{session_id}/media/{media_id})`);
    if (object.sessionId !== sessionId) throw new TurnError("UPLOAD_FAILED", `${ref} belongs to another session; media can only be used in the session it was uploaded to`);
    return storage;
  }
}
