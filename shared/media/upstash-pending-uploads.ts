// Pending uploads in Redis through Upstash's REST API (the edge: workerd has no TCP Redis client).
// The keys and scripts of the ioredis backend (scripted-pending-uploads.ts). Portable.
import { UpstashRest, type UpstashRestOptions } from "../redis/upstash-rest.js";
import { PendingUploadsUnavailableError } from "./pending-uploads.js";
import { ScriptedPendingUploads, UPLOAD_SCRIPTS, type UploadScript } from "./scripted-pending-uploads.js";

export interface UpstashPendingUploadsOptions {
  url: string;
  token: string;
  keyPrefix?: string;
  requestTimeoutMs?: number;
  client?: UpstashRestOptions["client"];
  now?: () => number;
}

export class UpstashPendingUploads extends ScriptedPendingUploads {
  private readonly rest: UpstashRest;
  private closed = false;

  constructor({ url, token, keyPrefix = "", requestTimeoutMs, client, now = Date.now }: UpstashPendingUploadsOptions) {
    super(keyPrefix, now);
    this.rest = new UpstashRest({ url, token, requestTimeoutMs, client });
  }

  protected async runScript(script: UploadScript, keys: string[], args: string[]): Promise<unknown> {
    if (this.closed) throw new PendingUploadsUnavailableError(`pending uploads unavailable: Upstash REST at ${this.rest.where}: closed`);
    try {
      return await this.rest.script(UPLOAD_SCRIPTS[script], keys, args);
    } catch (err) {
      throw new PendingUploadsUnavailableError(`pending uploads unavailable: ${this.rest.describe(err)}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
