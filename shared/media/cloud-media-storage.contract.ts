// Behaviour every cloud MediaStorage backend shows against its real store: the client's PUT with
// the presigned request lands, the object reads back, the GET URL serves it under its filename,
// URLs expire, and delete removes it. Each backend's test file runs it with its store.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { MediaObject } from "./media-ids.js";
import type { MediaStorage } from "./media-storage.js";

export interface CloudStorageUnderTest {
  storage: MediaStorage;
  /** The path a key lands at in the store's URLs (bucket or account/container first). */
  pathOf(object: MediaObject): string;
  /** The status the store answers a successful PUT with. */
  createdStatus: number;
  /** The origin the store's CORS rule allows (set by the test, as the README tells users to). */
  corsAllowedOrigin: string;
}

let objects = 0;
export const anObject = (): MediaObject => ({ sessionId: "session-1", mediaId: `media-${++objects}` });
export const putBytes = (url: string, headers: Record<string, string>, body: Uint8Array) => fetch(url, { method: "PUT", headers, body: new Uint8Array(body) });

export function describeCloudMediaStorageContract(name: string, get: () => CloudStorageUnderTest): void {
  describe(`MediaStorage contract: ${name}`, () => {
    it("presigns a PUT the store accepts, then stats, reads, presigns a GET and deletes the object", async () => {
      const { storage, pathOf, createdStatus } = get();
      const object = anObject();
      const bytes = randomBytes(3_000);
      const upload = await storage.presignUpload({ object, uploadId: "u", mimeType: "audio/ogg", sizeBytes: bytes.length, expiresInMs: 60_000 });
      expect(upload).toMatchObject({ method: "PUT", headers: { "Content-Type": "audio/ogg" } });
      expect(new URL(upload.url).pathname).toBe(pathOf(object));

      const res = await putBytes(upload.url, upload.headers, bytes);
      expect(res.status, await res.text()).toBe(createdStatus);
      expect(await storage.stat(object)).toEqual({ sizeBytes: 3_000, mimeType: "audio/ogg" });
      expect(Buffer.from(await storage.read(object)).equals(bytes)).toBe(true);

      const download = await storage.presignDownload(object, { expiresInMs: 3_600_000, filename: "voice note.ogg" });
      const got = await fetch(download.url);
      expect(got.status).toBe(200);
      expect(got.headers.get("content-disposition")).toBe('inline; filename="voice note.ogg"');
      expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);

      await storage.delete(object);
      expect(await storage.stat(object)).toBeNull();
      await expect(storage.read(object)).rejects.toMatchObject({ kind: "not_found", status: 404 });
      // Deleting what is not there is no error.
      await storage.delete(object);
    });

    it("issues URLs that stop working when they expire", async () => {
      const { storage } = get();
      const object = anObject();
      const upload = await storage.presignUpload({ object, uploadId: "u", mimeType: "image/png", sizeBytes: 4, expiresInMs: 1_000 });
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect((await putBytes(upload.url, upload.headers, randomBytes(4))).status).toBe(403);
      expect(await storage.stat(object)).toBeNull();
    });

    it("answers a browser's preflight for the upload for an allowed origin only", async () => {
      const { storage, corsAllowedOrigin } = get();
      const upload = await storage.presignUpload({ object: anObject(), uploadId: "u", mimeType: "image/png", sizeBytes: 4, expiresInMs: 60_000 });
      const preflight = (origin: string) =>
        fetch(upload.url, {
          method: "OPTIONS",
          headers: { Origin: origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": Object.keys(upload.headers).join(",").toLowerCase() },
        });
      const allowed = await preflight(corsAllowedOrigin);
      expect(allowed.status).toBe(200);
      // s3rver answers a matched preflight with "*" where S3 and Azure echo the origin; either lets the browser PUT.
      expect([corsAllowedOrigin, "*"]).toContain(allowed.headers.get("access-control-allow-origin"));
      expect(allowed.headers.get("access-control-allow-methods")).toContain("PUT");
      expect((await preflight("http://elsewhere.test")).status).toBe(403);
    });
  });
}
