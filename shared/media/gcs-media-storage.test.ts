// No GCS emulator runs here: the V4 URLs are signed with an RSA key made in the test and checked
// the way Cloud Storage checks them (canonical request rebuilt from the request as sent, signature
// verified with the public key, expiry); stat, read and delete go through the SDK's JSON API to a
// loopback store (test/helpers/media-servers/gcs-server.ts) that sends the hashes GCS sends.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGcsServer, type GcsServer } from "../../test/helpers/media-servers/gcs-server.js";
import { verifyGcsV4Request, type SentRequest } from "../../test/helpers/media-servers/gcs-v4-verifier.js";
import { GcsMediaStorage } from "./gcs-media-storage.js";

let publicKey: KeyObject;
let privateKey: string;
let storage: GcsMediaStorage;
const object = { sessionId: "session-1", mediaId: "media-1" };

beforeAll(() => {
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  publicKey = pair.publicKey;
  privateKey = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  storage = new GcsMediaStorage({
    bucket: "omnia-media",
    prefix: "agents/assistant",
    credentials: { client_email: "omnia-media@test-project.iam.gserviceaccount.com", private_key: privateKey },
    projectId: "test-project",
  });
});

describe("GcsMediaStorage V4 signed URLs", () => {
  it("signs an upload that binds method, content type and length, for the documented key", async () => {
    const upload = await storage.presignUpload({ object, uploadId: "u", mimeType: "image/png", sizeBytes: 1234, expiresInMs: 15 * 60_000 });
    expect(upload).toMatchObject({ method: "PUT", headers: { "Content-Type": "image/png" } });
    expect(Math.abs(upload.expiresAt.getTime() - (Date.now() + 15 * 60_000))).toBeLessThan(2_000);
    const url = new URL(upload.url);
    expect(url.pathname).toBe("/omnia-media/agents/assistant/session-1/media-1");
    expect(Number(url.searchParams.get("X-Goog-Expires"))).toBeGreaterThanOrEqual(899);
    expect(Number(url.searchParams.get("X-Goog-Expires"))).toBeLessThanOrEqual(900);
    expect(url.searchParams.get("X-Goog-Credential")).toMatch(/^omnia-media@test-project\.iam\.gserviceaccount\.com\/\d{8}\/auto\/storage\/goog4_request$/);

    const asSent: SentRequest = { method: "PUT", url: upload.url, headers: { ...upload.headers, "Content-Length": "1234" } };
    const verdict = verifyGcsV4Request(asSent, publicKey, new Date(Date.now() + 60_000));
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.ok && verdict.signedHeaders).toEqual(["content-length", "content-type", "host"]);

    const refused = (changes: Partial<SentRequest>) => verifyGcsV4Request({ ...asSent, ...changes }, publicKey, new Date(Date.now() + 60_000));
    expect(refused({ headers: { "Content-Type": "text/html", "Content-Length": "1234" } })).toEqual({ ok: false, reason: "SignatureDoesNotMatch" });
    expect(refused({ headers: { "Content-Type": "image/png", "Content-Length": "1235" } })).toEqual({ ok: false, reason: "SignatureDoesNotMatch" });
    expect(refused({ method: "POST" })).toEqual({ ok: false, reason: "SignatureDoesNotMatch" });
    expect(refused({ url: upload.url.replace("media-1", "media-2") })).toEqual({ ok: false, reason: "SignatureDoesNotMatch" });
  });

  it("signs URLs that expire: valid until their expiry, refused after", async () => {
    const upload = await storage.presignUpload({ object, uploadId: "u", mimeType: "image/png", sizeBytes: 10, expiresInMs: 60_000 });
    const asSent = { method: "PUT", url: upload.url, headers: { "Content-Type": "image/png", "Content-Length": "10" } };
    const signedAt = Date.now();
    expect(verifyGcsV4Request(asSent, publicKey, new Date(signedAt + 58_000)).ok).toBe(true);
    expect(verifyGcsV4Request(asSent, publicKey, new Date(signedAt + 62_000))).toEqual({ ok: false, reason: expect.stringMatching(/^ExpiredToken/) });
  });

  it("signs a download (GET only) that carries the filename for the browser", async () => {
    const download = await storage.presignDownload(object, { expiresInMs: 3_600_000, filename: "report.pdf" });
    expect(new URL(download.url).searchParams.get("response-content-disposition")).toBe('inline; filename="report.pdf"');
    expect(verifyGcsV4Request({ method: "GET", url: download.url, headers: {} }, publicKey, new Date(Date.now() + 60_000)).ok).toBe(true);
    expect(verifyGcsV4Request({ method: "PUT", url: download.url, headers: {} }, publicKey, new Date(Date.now() + 60_000)).ok).toBe(false);
  });

  it("is not fooled by a signature from another key", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const upload = await storage.presignUpload({ object, uploadId: "u", mimeType: "image/png", sizeBytes: 10, expiresInMs: 60_000 });
    const asSent = { method: "PUT", url: upload.url, headers: { "Content-Type": "image/png", "Content-Length": "10" } };
    expect(verifyGcsV4Request(asSent, other.publicKey, new Date())).toEqual({ ok: false, reason: "SignatureDoesNotMatch" });
  });
});

describe("GcsMediaStorage against a loopback store: stat, read and delete through the SDK's JSON API", () => {
  let gcs: GcsServer;
  let store: GcsMediaStorage;
  beforeAll(async () => {
    gcs = await startGcsServer(publicKey);
    store = new GcsMediaStorage({
      bucket: "omnia-media",
      prefix: "agents/assistant",
      credentials: { client_email: "omnia-media@test-project.iam.gserviceaccount.com", private_key: privateKey },
      projectId: "test-project",
      apiEndpoint: gcs.endpoint,
    });
  });
  afterAll(() => gcs?.stop());

  // The object is put in the store as a PUT to its signed URL would (those are checked above): the
  // SDK signs the host without a port, and a loopback store has one.
  const put = (bytes: Uint8Array, type: string) => gcs.objects.set("/omnia-media/agents/assistant/session-1/media-1", { body: Buffer.from(bytes), type });

  it("finds what was uploaded, with its size and type, reads the same bytes, and forgets it once deleted", async () => {
    const bytes = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);
    expect(await store.stat(object)).toBeNull();
    await expect(store.read(object)).rejects.toMatchObject({ kind: "not_found" });
    put(bytes, "image/png");

    expect(await store.stat(object)).toEqual({ sizeBytes: bytes.length, mimeType: "image/png" });
    expect(await store.read(object)).toEqual(bytes);

    await store.delete(object);
    expect(await store.stat(object)).toBeNull();
    await expect(store.read(object)).rejects.toMatchObject({ kind: "not_found" });
    // Deleting what is gone is not an error: a retried cleanup must not fail.
    await store.delete(object);
  });

  it("refuses bytes that do not match the hashes the store sent, naming the bucket", async () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    put(bytes, "text/plain");
    // Bytes damaged on the way: the SDK's check against the hashes must catch it.
    gcs.damageDownloads = true;
    try {
      await expect(store.read(object)).rejects.toMatchObject({ kind: "storage_failed", message: expect.stringContaining("GCS bucket omnia-media: read failed") });
    } finally {
      gcs.damageDownloads = false;
    }
    expect(await store.read(object)).toEqual(bytes);
  });
});
