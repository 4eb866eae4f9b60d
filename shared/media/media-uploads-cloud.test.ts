// The upload flow against real stores (s3rver, Azurite) with pending uploads in a real Redis:
// the browser's PUT goes straight to the store, the confirm may reach another replica or the edge,
// and the runtime resolves the media from its storage_ref.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type AzuriteServer } from "../../test/helpers/media-servers/azurite.js";
import { startS3Server, type S3Server } from "../../test/helpers/media-servers/s3-server.js";
import { startRedis, type RedisServer } from "../../test/helpers/redis-server.js";
import { startUpstashRestBridge, type UpstashRestBridge } from "../../test/helpers/upstash-rest-bridge.js";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { AzureMediaStorage } from "./azure-media-storage.js";
import { MEDIA_DEFAULTS, type MediaLimits } from "./media-config.js";
import type { MediaStorage } from "./media-storage.js";
import { MediaUploads, type UploadTicket } from "./media-uploads.js";
import { DEFAULT_ALLOWED_MIME_TYPES } from "./mime-types.js";
import type { PendingUploads } from "./pending-uploads.js";
import { RedisPendingUploads } from "./redis-pending-uploads.js";
import { resolveMedia } from "./resolve-media.js";
import { S3MediaStorage } from "./s3-media-storage.js";
import { UpstashPendingUploads } from "./upstash-pending-uploads.js";

const LIMITS: MediaLimits = { ...MEDIA_DEFAULTS, allowedMimeTypes: DEFAULT_ALLOWED_MIME_TYPES };
let s3: S3Server;
let azurite: AzuriteServer;
let redis: RedisServer;
let bridge: UpstashRestBridge;
const closing: PendingUploads[] = [];
let prefixes = 0;

beforeAll(async () => {
  [s3, azurite, redis] = await Promise.all([startS3Server(), startAzurite(), startRedis()]);
  bridge = await startUpstashRestBridge({ redisUrl: redis.url });
  await new BlobServiceClient(azurite.endpoint, new StorageSharedKeyCredential(azurite.account, azurite.key)).getContainerClient("media").create();
}, 30_000);
afterAll(async () => {
  await Promise.all(closing.map((p) => p.close()));
  await bridge?.close();
  await Promise.all([s3?.stop(), azurite?.stop(), redis?.stop()]);
});

const s3Storage = () => new S3MediaStorage({ bucket: s3.bucket, region: s3.region, prefix: "omnia", endpoint: s3.endpoint, credentials: s3.credentials });
const azureStorage = () => new AzureMediaStorage({ account: azurite.account, key: azurite.key, container: "media", prefix: "omnia", endpoint: azurite.endpoint });
const track = <T extends PendingUploads>(p: T): T => (closing.push(p), p);

/** A facade replica: its own store client and its own connection to the shared session store. */
function replica(storage: MediaStorage, keyPrefix: string, opts: { edge?: boolean; limits?: Partial<MediaLimits> } = {}): MediaUploads {
  const pending = opts.edge
    ? track(new UpstashPendingUploads({ url: bridge.url, token: bridge.token, keyPrefix }))
    : track(new RedisPendingUploads({ url: redis.url, keyPrefix }));
  return new MediaUploads({ storage, pending, limits: { ...LIMITS, ...opts.limits } });
}

const browserPut = (ticket: UploadTicket, body: Uint8Array, headers = ticket.headers) => fetch(ticket.url, { method: ticket.method, headers, body: new Uint8Array(body) });
const request = { sessionId: "session-a", filename: "photo.png", mimeType: "image/png", sizeBytes: 4_096 };

describe("uploads across replicas and placements (one Redis)", () => {
  it("is requested on one replica, confirmed on another, and found by a message on the edge", async () => {
    const keyPrefix = `r${++prefixes}:`;
    const [a, b, edge] = [replica(s3Storage(), keyPrefix), replica(s3Storage(), keyPrefix), replica(s3Storage(), keyPrefix, { edge: true })];
    const ticket = await a.requestUpload(request);
    await expect(b.confirmUpload(ticket.uploadId)).rejects.toMatchObject({ kind: "not_uploaded" });
    expect((await browserPut(ticket, randomBytes(4_096))).status).toBe(200);
    expect(await b.confirmUpload(ticket.uploadId, "session-a")).toMatchObject({ storageRef: ticket.storageRef, sizeBytes: 4_096, mimeType: "image/png" });
    expect(await edge.mediaForMessage("session-a", ticket.storageRef)).toMatchObject({ storageRef: ticket.storageRef });
    await expect(a.confirmUpload(ticket.uploadId)).rejects.toMatchObject({ kind: "already_confirmed", status: 409 });
    await expect(edge.mediaForMessage("session-b", ticket.storageRef)).rejects.toMatchObject({ kind: "not_found", status: 404 });
  });

  it("confirms at most once when two replicas confirm at the same moment", async () => {
    const keyPrefix = `r${++prefixes}:`;
    const [a, b] = [replica(s3Storage(), keyPrefix), replica(s3Storage(), keyPrefix)];
    const ticket = await a.requestUpload(request);
    await browserPut(ticket, randomBytes(4_096));
    const outcomes = await Promise.allSettled([a.confirmUpload(ticket.uploadId), b.confirmUpload(ticket.uploadId)]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === "rejected").map((o) => (o.status === "rejected" ? (o.reason as { kind: string }).kind : ""))).toEqual(["already_confirmed"]);
  });
});

describe("what the stores enforce, as the client sees it", () => {
  it("S3: a PUT after the URL expired fails at the store, and the confirm says the URL expired (410)", async () => {
    const facade = replica(s3Storage(), `r${++prefixes}:`, { limits: { uploadUrlTtlMs: 1_000 } });
    const ticket = await facade.requestUpload(request);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await browserPut(ticket, randomBytes(4_096))).status).toBe(403);
    await expect(facade.confirmUpload(ticket.uploadId)).rejects.toMatchObject({ kind: "expired", status: 410 });
  });

  it("Azure: bytes of another type or length pass the SAS but fail the confirm, and are removed", async () => {
    const storage = azureStorage();
    const facade = replica(storage, `r${++prefixes}:`);
    const ticket = await facade.requestUpload(request);
    expect((await browserPut(ticket, randomBytes(100), { ...ticket.headers, "Content-Type": "text/html" })).status).toBe(201);
    await expect(facade.mediaForMessage("session-a", ticket.storageRef)).rejects.toMatchObject({
      kind: "mismatch",
      message: "the uploaded object (100 bytes of text/html) does not match the request (4096 bytes of image/png); it was removed",
    });
    const object = { sessionId: "session-a", mediaId: ticket.storageRef.split("/").at(-1) ?? "" };
    expect(await storage.stat(object)).toBeNull();
    // The client may upload again while the URL lasts.
    expect((await browserPut(ticket, randomBytes(4_096))).status).toBe(201);
    expect(await facade.confirmUpload(ticket.uploadId)).toMatchObject({ sizeBytes: 4_096 });
  });
});

describe("resolveMedia (the runtime)", () => {
  for (const [name, make] of [
    ["s3", s3Storage],
    ["azure", azureStorage],
  ] as const) {
    it(`${name}: gives the bytes, or a GET URL, with the type and size of what was uploaded`, async () => {
      const storage = make();
      const facade = replica(storage, `r${++prefixes}:`);
      const ticket = await facade.requestUpload({ ...request, mimeType: "application/pdf", sizeBytes: 10_000 });
      const bytes = randomBytes(10_000);
      await browserPut(ticket, bytes);
      await facade.confirmUpload(ticket.uploadId);

      const resolved = await resolveMedia(storage, ticket.storageRef);
      expect(resolved).toMatchObject({ mimeType: "application/pdf", sizeBytes: 10_000 });
      expect(sha256(resolved.data)).toBe(sha256(bytes));
      const asUrl = await resolveMedia(storage, ticket.storageRef, { as: "url" });
      expect(asUrl).toMatchObject({ mimeType: "application/pdf", sizeBytes: 10_000 });
      expect(asUrl.data).toBeUndefined();
      expect(sha256(new Uint8Array(await (await fetch(asUrl.url ?? "")).arrayBuffer()))).toBe(sha256(bytes));

      await expect(resolveMedia(storage, "omnia://sessions/session-a/media/never")).rejects.toMatchObject({ kind: "not_found" });
      await expect(resolveMedia(storage, "s3://bucket/key")).rejects.toMatchObject({ kind: "bad_request" });
    });
  }
});

function sha256(bytes: Uint8Array | undefined): string {
  return createHash("sha256").update(bytes ?? new Uint8Array()).digest("hex");
}
