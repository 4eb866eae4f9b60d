// The edge placement: the upload flow bundled for workerd (S3 presigning, pending uploads over
// Upstash REST), with no Node-only module, running against the same S3 server and Redis as a pod.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3Server } from "../../test/helpers/media-servers/s3-server.js";
import { startRedis, type RedisServer } from "../../test/helpers/redis-server.js";
import { startUpstashRestBridge, type UpstashRestBridge } from "../../test/helpers/upstash-rest-bridge.js";
import { MEDIA_DEFAULTS } from "./media-config.js";
import { MediaUploads, type UploadTicket } from "./media-uploads.js";
import { DEFAULT_ALLOWED_MIME_TYPES } from "./mime-types.js";
import { RedisPendingUploads } from "./redis-pending-uploads.js";
import { S3MediaStorage } from "./s3-media-storage.js";
import { startWorkerdScript, type WorkerdScript } from "../../test/helpers/workerd-script.js";

// A Worker that runs one step of the flow with the stores it is sent, and answers what happened.
const worker = `
  import { MediaUploads } from "./media-uploads.ts";
  import { S3MediaStorage } from "./s3-media-storage.ts";
  import { UpstashPendingUploads } from "./upstash-pending-uploads.ts";
  import { DEFAULT_ALLOWED_MIME_TYPES } from "./mime-types.ts";
  export default {
    async fetch(request) {
      const { s3, upstash, keyPrefix, step, arg } = await request.json();
      const pending = new UpstashPendingUploads({ ...upstash, keyPrefix });
      const uploads = new MediaUploads({
        storage: new S3MediaStorage({ ...s3, prefix: "edge" }),
        pending,
        limits: { maxFileSizeBytes: 1048576, mediaTtlMs: 3600000, uploadUrlTtlMs: 60000, downloadUrlTtlMs: 60000, allowedMimeTypes: DEFAULT_ALLOWED_MIME_TYPES },
      });
      try {
        if (step === "request") return Response.json({ ok: await uploads.requestUpload(arg) });
        if (step === "confirm") return Response.json({ ok: await uploads.confirmUpload(arg) });
        return Response.json({ ok: await uploads.mediaForMessage(arg.sessionId, arg.storageRef) });
      } catch (err) {
        return Response.json({ failed: { name: err.name, kind: err.kind, status: err.status, message: err.message } });
      } finally {
        await pending.close();
      }
    },
  };`;

let s3: S3Server;
let redis: RedisServer;
let bridge: UpstashRestBridge;
let script: WorkerdScript;
beforeAll(async () => {
  [s3, redis] = await Promise.all([startS3Server(), startRedis()]);
  bridge = await startUpstashRestBridge({ redisUrl: redis.url });
  script = await startWorkerdScript(worker, import.meta.dirname);
}, 60_000);
afterAll(async () => {
  await script?.dispose();
  await bridge?.close();
  await Promise.all([s3?.stop(), redis?.stop()]);
});

type Answer<T> = { ok: T; failed?: undefined } | { ok?: undefined; failed: { name: string; kind: string; status: number; message: string } };
async function atTheEdge<T>(keyPrefix: string, step: string, arg: unknown): Promise<Answer<T>> {
  const body = { s3: { bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, credentials: s3.credentials }, upstash: { url: bridge.url, token: bridge.token }, keyPrefix, step, arg };
  const res = await script.workerd.dispatchFetch("http://worker/", { method: "POST", body: JSON.stringify(body) });
  return (await res.json()) as Answer<T>;
}

describe("media uploads in workerd", () => {
  it("bundles with no node:* module, ioredis, or a Node-only SDK build in its import graph", () => {
    const { inputs } = script;
    expect(inputs.filter((input) => input.startsWith("node:") || /ioredis|@google-cloud|@azure|local-media-storage/.test(input))).toEqual([]);
    expect(inputs.some((input) => input.includes("@aws-sdk/client-s3"))).toBe(true);
    expect(script.externalImports).toEqual([]);
  });

  it("presigns at the edge a PUT the S3 server accepts, confirmed at the edge and seen by a pod", async () => {
    const keyPrefix = "edge1:";
    const requested = await atTheEdge<UploadTicket>(keyPrefix, "request", { sessionId: "session-e", filename: "a.png", mimeType: "image/png", sizeBytes: 64 });
    const ticket = requested.ok;
    if (!ticket) throw new Error(JSON.stringify(requested.failed));
    expect(new URL(ticket.url).pathname).toMatch(/^\/media\/edge\/session-e\/[0-9a-f-]{36}$/);
    expect((await atTheEdge(keyPrefix, "confirm", ticket.uploadId)).failed).toMatchObject({ name: "MediaError", kind: "not_uploaded", status: 400 });

    const put = await fetch(ticket.url, { method: "PUT", headers: ticket.headers, body: new Uint8Array(64) });
    expect(put.status).toBe(200);
    expect((await atTheEdge(keyPrefix, "confirm", ticket.uploadId)).ok).toMatchObject({ storageRef: ticket.storageRef, sizeBytes: 64 });
    expect((await atTheEdge(keyPrefix, "message", { sessionId: "session-x", storageRef: ticket.storageRef })).failed).toMatchObject({ kind: "not_found", status: 404 });

    // A pod on the same Redis and bucket sees the same upload, confirmed.
    const pending = new RedisPendingUploads({ url: redis.url, keyPrefix });
    try {
      const pod = new MediaUploads({
        storage: new S3MediaStorage({ bucket: s3.bucket, region: s3.region, prefix: "edge", endpoint: s3.endpoint, credentials: s3.credentials }),
        pending,
        limits: { ...MEDIA_DEFAULTS, allowedMimeTypes: DEFAULT_ALLOWED_MIME_TYPES },
      });
      await expect(pod.confirmUpload(ticket.uploadId)).rejects.toMatchObject({ kind: "already_confirmed" });
      expect(await pod.mediaForMessage("session-e", ticket.storageRef)).toMatchObject({ sizeBytes: 64, mimeType: "image/png" });
    } finally {
      await pending.close();
    }
  });
});
