// Completed uploads told to every facade replica over Redis pub/sub, so a socket hears
// `upload_complete` even when its upload was confirmed on another replica. One channel for all
// sessions: each replica delivers to the sockets it holds (a map lookup) and ignores its own
// announcements. A completion that cannot be published is logged, not fatal: the socket still
// hears of it when its message names the upload.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import * as v from "valibot";
import { FailFastRedis } from "../../shared/redis/fail-fast-redis.js";
import { MediaInfoSchema, type MediaAnnouncer, type MediaListener } from "../core/facade-media.js";
import type { Logger } from "../core/logger.js";

export const MEDIA_COMPLETED_CHANNEL = "omnia:media:completed";

const AnnouncementSchema = v.object({ origin: v.string(), info: MediaInfoSchema });

export class RedisMediaAnnouncer implements MediaAnnouncer {
  private readonly origin = randomUUID();
  private readonly publisher: FailFastRedis;
  // A subscribed connection can do nothing else; it reconnects and resubscribes by itself.
  private readonly subscriber: Redis;

  constructor(
    url: string,
    private readonly logger: Logger,
  ) {
    this.publisher = new FailFastRedis(url);
    this.subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
    this.subscriber.on("error", () => {}); // reconnects by itself; publish failures are logged
  }

  async start(deliver: MediaListener): Promise<void> {
    this.subscriber.on("message", (channel: string, text: string) => {
      if (channel !== MEDIA_COMPLETED_CHANNEL) return;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const parsed = v.safeParse(AnnouncementSchema, json);
      if (!parsed.success) {
        this.logger.warn({ channel }, "ignored a malformed media announcement");
        return;
      }
      if (parsed.output.origin !== this.origin) deliver(parsed.output.info);
    });
    await this.subscriber.connect();
    await this.subscriber.subscribe(MEDIA_COMPLETED_CHANNEL);
  }

  async publish(info: Parameters<MediaListener>[0]): Promise<void> {
    try {
      await this.publisher.redis.publish(MEDIA_COMPLETED_CHANNEL, JSON.stringify({ origin: this.origin, info }));
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err), upload_id: info.uploadId }, "could not tell the other replicas of a completed upload");
    }
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    await this.publisher.redis.quit().catch(() => undefined);
  }
}
