// No GCS emulator runs here: the Web Crypto V4 URLs are checked by the verifier the Node adapter's
// tests use (canonical request rebuilt from the request as sent, RSA signature, expiry), compared
// with @google-cloud/storage's URLs for the same key and time, and used for stat, read and delete
// against a loopback store that admits only requests the verifier accepts.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startGcsServer, type GcsServer } from "../../test/helpers/media-servers/gcs-server.js";
import { verifyGcsV4Request, type SentRequest } from "../../test/helpers/media-servers/gcs-v4-verifier.js";
import { GcsMediaStorage } from "./gcs-media-storage.js";
import { GcsSignedUrlMediaStorage, parseServiceAccountKey, type GcsServiceAccount } from "./gcs-v4-webcrypto.js";

let publicKey: KeyObject;
let account: GcsServiceAccount;
let storage: GcsSignedUrlMediaStorage;
const object = { sessionId: "session-1", mediaId: "media-1" };
const later = () => new Date(Date.now() + 60_000);

beforeAll(() => {
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  publicKey = pair.publicKey;
  const privateKey = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  account = parseServiceAccountKey(JSON.stringify({ type: "service_account", client_email: "omnia-media@test-project.iam.gserviceaccount.com", private_key: privateKey }));
  storage = new GcsSignedUrlMediaStorage({ bucket: "omnia-media", prefix: "agents/assistant", account });
});

describe("GcsSignedUrlMediaStorage V4 signed URLs (Web Crypto)", () => {
  it("makes the URLs @google-cloud/storage makes for the same key and time", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.UTC(2026, 10, 27, 9, 30, 15, 250));
      const node = new GcsMediaStorage({ bucket: "omnia-media", prefix: "agents/assistant", credentials: account, projectId: "test-project" });
      const upload = { object, uploadId: "u", mimeType: "image/png", sizeBytes: 1234, expiresInMs: 15 * 60_000 };
      expect(await storage.presignUpload(upload)).toEqual(await node.presignUpload(upload));
      for (const filename of [undefined, "voice note.ogg", "résumé.pdf"]) {
        const opts = { expiresInMs: 3_600_000, ...(filename ? { filename } : {}) };
        expect(await storage.presignDownload(object, opts)).toEqual(await node.presignDownload(object, opts));
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it("signs an upload that binds method, content type and length", async () => {
    const upload = await storage.presignUpload({ object, uploadId: "u", mimeType: "image/png", sizeBytes: 1234, expiresInMs: 15 * 60_000 });
    expect(upload).toMatchObject({ method: "PUT", headers: { "Content-Type": "image/png" } });
    expect(new URL(upload.url).pathname).toBe("/omnia-media/agents/assistant/session-1/media-1");
    const asSent: SentRequest = { method: "PUT", url: upload.url, headers: { ...upload.headers, "Content-Length": "1234" } };
    const verdict = verifyGcsV4Request(asSent, publicKey, later());
    expect(verdict).toMatchObject({ ok: true, signedHeaders: ["content-length", "content-type", "host"] });
    const refused = (changes: Partial<SentRequest>) => verifyGcsV4Request({ ...asSent, ...changes }, publicKey, later());
    expect(refused({ headers: { "Content-Type": "text/html", "Content-Length": "1234" } })).toEqual({ ok: false, reason: "SignatureDoesNotMatch" });
    expect(refused({ headers: { "Content-Type": "image/png", "Content-Length": "1235" } })).toEqual({ ok: false, reason: "SignatureDoesNotMatch" });
    expect(refused({ method: "POST" })).toEqual({ ok: false, reason: "SignatureDoesNotMatch" });
    expect(refused({ url: upload.url.replace("media-1", "media-2") })).toEqual({ ok: false, reason: "SignatureDoesNotMatch" });
    expect(verifyGcsV4Request(asSent, generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey, later())).toEqual({ ok: false, reason: "SignatureDoesNotMatch" });
  });

  it("signs URLs that expire, and downloads (GET only) that carry the filename", async () => {
    const upload = await storage.presignUpload({ object, uploadId: "u", mimeType: "image/png", sizeBytes: 10, expiresInMs: 60_000 });
    const asSent = { method: "PUT", url: upload.url, headers: { "Content-Type": "image/png", "Content-Length": "10" } };
    const signedAt = Date.now();
    expect(verifyGcsV4Request(asSent, publicKey, new Date(signedAt + 58_000)).ok).toBe(true);
    expect(verifyGcsV4Request(asSent, publicKey, new Date(signedAt + 62_000))).toEqual({ ok: false, reason: expect.stringMatching(/^ExpiredToken/) });

    const download = await storage.presignDownload(object, { expiresInMs: 3_600_000, filename: "report.pdf" });
    expect(new URL(download.url).searchParams.get("response-content-disposition")).toBe('inline; filename="report.pdf"');
    expect(verifyGcsV4Request({ method: "GET", url: download.url, headers: {} }, publicKey, later()).ok).toBe(true);
    expect(verifyGcsV4Request({ method: "PUT", url: download.url, headers: {} }, publicKey, later()).ok).toBe(false);
  });

  it("names what is wrong with a service-account key, never its contents", () => {
    expect(() => parseServiceAccountKey("/var/secrets/key.json")).toThrow(/not JSON \(give the key file's contents\)/);
    expect(() => parseServiceAccountKey(JSON.stringify({ client_email: "x@y.z", private_key: "secret-rsa" }))).toThrow(/private_key: must be a PKCS#8 PEM/);
    expect(() => parseServiceAccountKey(JSON.stringify({ private_key: "secret-rsa" }))).toThrow(/client_email: required/);
  });
});

describe("GcsSignedUrlMediaStorage stat, read and delete through signed URLs", () => {
  let gcs: GcsServer;
  let endpoint: string;
  beforeAll(async () => {
    gcs = await startGcsServer(publicKey);
    endpoint = gcs.endpoint;
  });
  afterAll(() => gcs?.stop());

  it("uploads with the presigned request, then stats, reads and deletes", async () => {
    const store = new GcsSignedUrlMediaStorage({ bucket: "omnia-media", prefix: "p", account, endpoint });
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    const upload = await store.presignUpload({ object, uploadId: "u", mimeType: "image/png", sizeBytes: 5, expiresInMs: 60_000 });
    expect((await fetch(upload.url, { method: "PUT", headers: upload.headers, body: new Uint8Array([9, 9]) })).status).toBe(403);
    expect((await fetch(upload.url, { method: "PUT", headers: upload.headers, body: bytes })).status).toBe(200);
    expect(await store.stat(object)).toEqual({ sizeBytes: 5, mimeType: "image/png" });
    expect(await store.read(object)).toEqual(bytes);
    await store.delete(object);
    expect(await store.stat(object)).toBeNull();
    await expect(store.read(object)).rejects.toMatchObject({ kind: "not_found" });
    await store.delete(object);
  });
});
