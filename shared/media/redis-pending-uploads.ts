// Pending uploads in Redis through ioredis (pods): keys and scripts in scripted-pending-uploads.ts.
import { FailFastRedis } from "../redis/fail-fast-redis.js";
import { PendingUploadsUnavailableError } from "./pending-uploads.js";
import { ScriptedPendingUploads, UPLOAD_SCRIPTS, type UploadScript } from "./scripted-pending-uploads.js";

export interface RedisPendingUploadsOptions {
  /** redis:// or rediss:// URL, as the session store's. */
  url: string;
  keyPrefix?: string;
  now?: () => number;
}

const COMMANDS: Record<UploadScript, string> = { add: "omniaUploadAdd", get: "omniaUploadGet", getByMedia: "omniaUploadGetByMedia", confirm: "omniaUploadConfirm" };
const KEY_COUNTS: Record<UploadScript, number> = { add: 2, get: 1, getByMedia: 1, confirm: 1 };

export class RedisPendingUploads extends ScriptedPendingUploads {
  private readonly connection: FailFastRedis;

  constructor({ url, keyPrefix = "", now = Date.now }: RedisPendingUploadsOptions) {
    super(keyPrefix, now);
    this.connection = new FailFastRedis(url);
    for (const script of Object.keys(COMMANDS) as UploadScript[]) {
      this.connection.redis.defineCommand(COMMANDS[script], { numberOfKeys: KEY_COUNTS[script], lua: UPLOAD_SCRIPTS[script] });
    }
  }

  protected async runScript(script: UploadScript, keys: string[], args: string[]): Promise<unknown> {
    if (this.connection.redis.status === "end") throw new PendingUploadsUnavailableError("pending uploads (Redis) are closed");
    const notReady = this.connection.notReady();
    if (notReady) throw this.unavailable(notReady);
    try {
      return await this.connection.script(COMMANDS[script], [...keys, ...args]);
    } catch (err) {
      throw this.unavailable(err instanceof Error ? err.message : String(err));
    }
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  private unavailable(reason: string): PendingUploadsUnavailableError {
    return new PendingUploadsUnavailableError(`pending uploads unavailable: ${this.connection.describe(reason)}`);
  }
}
