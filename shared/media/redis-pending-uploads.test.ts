import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../test/helpers/eventually.js";
import { startRedis, type RedisServer } from "../../test/helpers/redis-server.js";
import { startUpstashRestBridge, type UpstashRestBridge } from "../../test/helpers/upstash-rest-bridge.js";
import { anUpload, describePendingUploadsContract } from "./pending-uploads.contract.js";
import { PendingUploadsUnavailableError } from "./pending-uploads.js";
import { RedisPendingUploads } from "./redis-pending-uploads.js";
import { UpstashPendingUploads } from "./upstash-pending-uploads.js";

let server: RedisServer;
let bridge: UpstashRestBridge;
let admin: Redis;
let prefixes = 0;
beforeAll(async () => {
  server = await startRedis();
  bridge = await startUpstashRestBridge({ redisUrl: server.url });
  admin = new Redis(server.url);
});
afterAll(async () => {
  admin?.disconnect();
  await bridge?.close();
  await server?.stop();
});

// Redis keeps the TTL in real time: the clock handed in follows it.
const realClock = () => {
  const clock = { now: Date.now() };
  return { clock, now: () => clock.now, pass: (ms: number) => new Promise<void>((resolve) => setTimeout(() => ((clock.now = Date.now()), resolve()), ms)) };
};

describePendingUploadsContract("redis", async () => {
  const { clock, now, pass } = realClock();
  return { uploads: new RedisPendingUploads({ url: server.url, keyPrefix: `p${++prefixes}:`, now }), clock, pass };
});

describePendingUploadsContract("upstash REST", async () => {
  const { clock, now, pass } = realClock();
  return { uploads: new UpstashPendingUploads({ url: bridge.url, token: bridge.token, keyPrefix: `p${++prefixes}:`, now }), clock, pass };
});

describe("RedisPendingUploads", () => {
  it("keeps an upload in the documented keys, with the media's TTL", async () => {
    const uploads = new RedisPendingUploads({ url: server.url, keyPrefix: "layout:" });
    try {
      const upload = anUpload(Date.now(), { uploadId: "u1", sessionId: "s1", mediaId: "m1", mediaExpiresAt: Date.now() + 60_000 });
      await uploads.add(upload);
      expect(await admin.get("layout:session:s1:media:m1")).toBe("u1");
      expect(await admin.hget("layout:upload:u1", "state")).toBe("pending");
      const { state: _, ...request } = upload;
      expect(JSON.parse((await admin.hget("layout:upload:u1", "request")) ?? "")).toEqual(request);
      for (const key of ["layout:upload:u1", "layout:session:s1:media:m1"]) {
        const ttl = await admin.pttl(key);
        expect(ttl).toBeGreaterThan(58_000);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
      await uploads.confirm("u1", 42);
      expect(await admin.hgetall("layout:upload:u1")).toMatchObject({ state: "confirmed", confirmedAt: "42" });
      expect(await admin.pttl("layout:upload:u1")).toBeGreaterThan(58_000);
    } finally {
      await uploads.close();
    }
  });

  it("finds on the edge (Upstash REST) an upload a pod requested, and the pod sees the edge's confirm", async () => {
    const keyPrefix = `x${++prefixes}:`;
    const pod = new RedisPendingUploads({ url: server.url, keyPrefix });
    const edge = new UpstashPendingUploads({ url: bridge.url, token: bridge.token, keyPrefix });
    try {
      const upload = anUpload(Date.now(), { filename: "ünïcode 🙂.png" });
      await pod.add(upload);
      expect(await edge.get(upload.uploadId)).toEqual(upload);
      expect(await edge.confirm(upload.uploadId, 7)).toBe("confirmed");
      expect(await pod.confirm(upload.uploadId, 8)).toBe("already_confirmed");
      expect(await pod.getByMedia(upload.sessionId, upload.mediaId)).toEqual({ ...upload, state: "confirmed", confirmedAt: 7 });
    } finally {
      await pod.close();
      await edge.close();
    }
  });

  it("fails fast while Redis is down, naming it, and works again once it is back", async () => {
    const own = await startRedis();
    const uploads = new RedisPendingUploads({ url: own.url });
    try {
      await uploads.add(anUpload(Date.now()));
      await own.kill();
      await expect(uploads.get("u")).rejects.toBeInstanceOf(PendingUploadsUnavailableError);
      await expect(uploads.get("u")).rejects.toThrow(/pending uploads unavailable: Redis at 127\.0\.0\.1/);
      await own.restart();
      await eventually(async () => expect(await uploads.get("u")).toBeNull());
    } finally {
      await uploads.close();
      await own.stop();
    }
  });
});
