// The Node facade's media: the OMNIA_MEDIA_* variables (the operator renders them for the facade
// and the runtime alike, with OMNIA_MEDIA_ALLOWED_TYPES from spec.console.allowedAttachmentTypes),
// the store they name, and pending uploads in the session store: Redis when the facade has one
// (every replica finds every upload), else this process. The local backend sweeps expired media.
import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import { createMediaStorage } from "../../shared/media/create-media-storage.js";
import { parseMediaConfig, type MediaConfig } from "../../shared/media/media-config.js";
import { MediaUploads } from "../../shared/media/media-uploads.js";
import { MemoryPendingUploads } from "../../shared/media/memory-pending-uploads.js";
import type { PendingUploads } from "../../shared/media/pending-uploads.js";
import { RedisPendingUploads } from "../../shared/media/redis-pending-uploads.js";
import { FacadeMedia, MEDIA_NOT_CONFIGURED, PENDING_UPLOADS_KEY_PREFIX, type FacadeMediaSetting } from "../core/facade-media.js";
import type { Logger } from "../core/logger.js";
import { RedisMediaAnnouncer } from "./redis-media-announcer.js";

const SWEEP_INTERVAL_MS = 5 * 60_000;

/** @hono/node-server hands routes the IncomingMessage: reading it directly skips a web stream (about 1.7x the MB/s). */
function nodeRequestBody(c: Context): AsyncIterable<Uint8Array> | undefined {
  return (c.env as Partial<HttpBindings> | undefined)?.incoming;
}

/** Throws MediaConfigError naming every bad variable. */
export function loadMediaConfig(env: Readonly<Record<string, string | undefined>>): MediaConfig {
  const allowed = env.OMNIA_MEDIA_ALLOWED_TYPES?.split(",").map((t) => t.trim()).filter(Boolean);
  return parseMediaConfig(env, allowed && allowed.length > 0 ? { allowedMimeTypes: allowed } : {});
}

export interface NodeMedia {
  media: FacadeMediaSetting;
  /** What the start-up line says about media. */
  note: string;
  close(): Promise<void>;
}

export function startNodeMedia(config: MediaConfig, redisUrl: string | undefined, logger: Logger): NodeMedia {
  const created = createMediaStorage(config.storage);
  if (!created) return { media: MEDIA_NOT_CONFIGURED, note: "off", close: async () => {} };
  const pending: PendingUploads = redisUrl ? new RedisPendingUploads({ url: redisUrl, keyPrefix: PENDING_UPLOADS_KEY_PREFIX }) : new MemoryPendingUploads();
  const uploads = new MediaUploads({ storage: created.storage, pending, limits: config.limits, ...(created.local ? { local: created.local } : {}) });
  const stopSweep = created.local?.sweepEvery(SWEEP_INTERVAL_MS, {
    staleUploadMs: config.limits.uploadUrlTtlMs,
    onError: (err) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, "sweeping expired media failed"),
  });
  const media = new FacadeMedia(uploads, created.storage.type, {
    ...(created.local ? { local: created.local } : {}),
    requestBody: nodeRequestBody,
    // With Redis, completions reach the sockets of every replica.
    ...(redisUrl ? { announcer: new RedisMediaAnnouncer(redisUrl, logger) } : {}),
  });
  media.start().catch((err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, "media announcements from other replicas are off"));
  return {
    media,
    note: `${created.storage.type}, pending uploads ${redisUrl ? "in Redis" : "in memory"}`,
    async close() {
      stopSweep?.();
      await media.close();
      await pending.close();
    },
  };
}
