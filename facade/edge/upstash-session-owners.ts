// Session owners in the shared Redis through Upstash REST (the edge): the same keys and commands
// as the pods' redis-session-owners.ts, so a session made at the edge is refused to anyone else
// in a pod, and back.
import { UpstashRest, type UpstashRestOptions } from "../../shared/redis/upstash-rest.js";
import { ownerKey, type SessionOwners } from "../core/session-owners.js";

export class UpstashSessionOwners implements SessionOwners {
  private readonly rest: UpstashRest;

  constructor(
    options: UpstashRestOptions,
    private readonly ttlMs: number,
  ) {
    this.rest = new UpstashRest(options);
  }

  async claim(sessionId: string, subject: string): Promise<boolean> {
    const set = await this.call("SET", ownerKey(sessionId), subject, "PX", String(this.ttlMs), "NX");
    return set === "OK" || this.owns(sessionId, subject);
  }

  async owns(sessionId: string, subject: string): Promise<boolean> {
    const key = ownerKey(sessionId);
    if ((await this.call("GET", key)) !== subject) return false;
    await this.call("PEXPIRE", key, String(this.ttlMs));
    return true;
  }

  async close(): Promise<void> {}

  private async call(command: string, ...args: string[]): Promise<unknown> {
    try {
      return await this.rest.command(command, ...args);
    } catch (err) {
      throw new Error(`session owners unavailable: ${this.rest.describe(err)}`, { cause: err });
    }
  }
}
