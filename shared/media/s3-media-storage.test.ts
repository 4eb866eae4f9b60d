// Against @20minutes/s3rver, which verifies SigV4 signatures and expiry as S3 does.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3Server } from "../../test/helpers/media-servers/s3-server.js";
import { anObject, describeCloudMediaStorageContract, putBytes as put } from "./cloud-media-storage.contract.js";
import { S3MediaStorage } from "./s3-media-storage.js";

const ALLOWED_ORIGIN = "http://chat.allowed.test";
let s3: S3Server;
let storage: S3MediaStorage;
beforeAll(async () => {
  s3 = await startS3Server({ corsOrigins: [ALLOWED_ORIGIN] });
  storage = new S3MediaStorage({ bucket: s3.bucket, region: s3.region, prefix: "omnia-media", endpoint: s3.endpoint, credentials: s3.credentials });
});
afterAll(async () => {
  await s3?.stop();
});

describeCloudMediaStorageContract("s3 (path-style, SigV4)", () => ({
  storage,
  pathOf: (object) => `/${s3.bucket}/omnia-media/${object.sessionId}/${object.mediaId}`,
  createdStatus: 200,
  corsAllowedOrigin: ALLOWED_ORIGIN,
}));

describe("S3MediaStorage", () => {
  it("binds the content type: a PUT with another type fails at the store and stores nothing", async () => {
    const object = anObject();
    const upload = await storage.presignUpload({ object, uploadId: "u", mimeType: "image/png", sizeBytes: 10, expiresInMs: 60_000 });
    const res = await put(upload.url, { "Content-Type": "text/html" }, randomBytes(10));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("SignatureDoesNotMatch");
    expect(await storage.stat(object)).toBeNull();
  });

  it("binds the length: a PUT of more or fewer bytes than requested fails at the store", async () => {
    const object = anObject();
    const upload = await storage.presignUpload({ object, uploadId: "u", mimeType: "image/png", sizeBytes: 10, expiresInMs: 60_000 });
    for (const size of [11, 9]) {
      const res = await put(upload.url, upload.headers, randomBytes(size));
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("SignatureDoesNotMatch");
    }
    expect(await storage.stat(object)).toBeNull();
  });

  it("reports a store it cannot reach as storage_failed, naming the bucket", async () => {
    const offline = new S3MediaStorage({ bucket: "media", region: "us-east-1", prefix: "", endpoint: "http://127.0.0.1:1", credentials: s3.credentials });
    await expect(offline.stat(anObject())).rejects.toMatchObject({ kind: "storage_failed", status: 502, message: expect.stringMatching(/^S3 bucket media: stat failed/) });
  });
});
