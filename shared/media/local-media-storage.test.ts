import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually } from "../../test/helpers/eventually.js";
import { LocalMediaStorage, type ExpectedUpload } from "./local-media-storage.js";

let root: string;
const clock = { now: Date.parse("2026-11-27T08:00:00Z") };
let storage: LocalMediaStorage;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "omnia-media-test-"));
  storage = new LocalMediaStorage({ root, baseUrl: "", now: () => clock.now });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const object = { sessionId: "session-1", mediaId: "media-1" };
const expecting = (bytes: Uint8Array, overrides: Partial<ExpectedUpload> = {}): ExpectedUpload => ({
  mimeType: "image/png",
  sizeBytes: bytes.length,
  filename: "../../etc/passwd",
  expiresAt: new Date(clock.now + 3_600_000),
  contentType: "image/png",
  contentLength: bytes.length,
  ...overrides,
});
async function* chunks(bytes: Uint8Array, size = 1000): AsyncIterable<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
const filesUnder = async (dir: string): Promise<string[]> => (await readdir(dir, { recursive: true })).map(String).sort();

describe("LocalMediaStorage", () => {
  it("writes an upload to {root}/{session_id}/{media_id} with a sidecar, and serves it back", async () => {
    const bytes = randomBytes(5_000);
    expect(await storage.receiveUpload(object, chunks(bytes), expecting(bytes))).toEqual({ sizeBytes: 5_000, mimeType: "image/png" });
    expect(await filesUnder(root)).toEqual(["session-1", "session-1/media-1", "session-1/media-1.json"]);
    // The filename is metadata only: it is in the sidecar, never in a path.
    expect(JSON.parse(await readFile(join(root, "session-1/media-1.json"), "utf8"))).toEqual({
      filename: "../../etc/passwd",
      mime_type: "image/png",
      size_bytes: 5_000,
      created_at: "2026-11-27T08:00:00.000Z",
      expires_at: "2026-11-27T09:00:00.000Z",
    });
    expect(await storage.stat(object)).toEqual({ sizeBytes: 5_000, mimeType: "image/png" });
    expect(Buffer.from(await storage.read(object)).equals(bytes)).toBe(true);
    const download = await storage.openDownload(object);
    expect(download).toMatchObject({ sizeBytes: 5_000, mimeType: "image/png", filename: "../../etc/passwd" });
    expect(Buffer.from(await new Response(download?.body).arrayBuffer()).equals(bytes)).toBe(true);
    await storage.delete(object);
    expect(await storage.stat(object)).toBeNull();
    expect(await storage.openDownload(object)).toBeNull();
  });

  it("gives the facade's upload and download routes as URLs (relative, or under the base URL)", async () => {
    const upload = await storage.presignUpload({ object, uploadId: "upload-9", mimeType: "image/png", sizeBytes: 4, expiresInMs: 900_000 });
    expect(upload).toEqual({ url: "/media/upload/upload-9", method: "PUT", headers: { "Content-Type": "image/png" }, expiresAt: new Date(clock.now + 900_000) });
    const based = new LocalMediaStorage({ root, baseUrl: "https://agent.example.com/", now: () => clock.now });
    expect((await based.presignDownload(object, { expiresInMs: 1 })).url).toBe("https://agent.example.com/media/download/session-1/media-1");
  });

  it("refuses a PUT whose type or declared length differs from the request, before writing anything", async () => {
    const bytes = randomBytes(10);
    await expect(storage.receiveUpload(object, chunks(bytes), expecting(bytes, { contentType: "text/html" }))).rejects.toMatchObject({
      kind: "mismatch",
      message: "the upload must be sent with Content-Type image/png, not text/html",
    });
    await expect(storage.receiveUpload(object, chunks(bytes), expecting(bytes, { contentType: undefined }))).rejects.toThrow(/not none/);
    await expect(storage.receiveUpload(object, chunks(bytes), expecting(bytes, { contentLength: 11 }))).rejects.toThrow(
      "the upload was requested for 10 bytes but Content-Length is 11",
    );
    expect(await filesUnder(root)).toEqual([]);
  });

  it("stops reading at the first byte past the declared size, and keeps nothing of a short or long body", async () => {
    let pulled = 0;
    async function* endless(): AsyncIterable<Uint8Array> {
      for (;;) {
        pulled++;
        yield new Uint8Array(100);
      }
    }
    await expect(storage.receiveUpload(object, endless(), expecting(new Uint8Array(250), { contentLength: undefined }))).rejects.toThrow(
      "the upload was requested for 250 bytes but more arrived",
    );
    expect(pulled).toBe(3);
    const short = randomBytes(9);
    await expect(storage.receiveUpload(object, chunks(short), expecting(short, { sizeBytes: 10, contentLength: undefined }))).rejects.toThrow(
      "the upload was requested for 10 bytes but 9 arrived",
    );
    expect((await filesUnder(root)).filter((f) => f.includes("media-1"))).toEqual([]);
    expect(await storage.stat(object)).toBeNull();
  });

  it("never builds a path from an id that could leave the root", async () => {
    const bytes = randomBytes(4);
    await expect(storage.receiveUpload({ sessionId: "..", mediaId: "x" }, chunks(bytes), expecting(bytes))).rejects.toThrow(/not usable in a media key/);
    await expect(storage.stat({ sessionId: "s", mediaId: "../../x" })).rejects.toThrow(/not usable in a media key/);
  });

  it("sweeps media past its expiry and stale partial uploads, keeping the rest", async () => {
    const bytes = randomBytes(4);
    await storage.receiveUpload({ sessionId: "old", mediaId: "m" }, chunks(bytes), expecting(bytes, { expiresAt: new Date(clock.now + 1_000) }));
    await storage.receiveUpload({ sessionId: "new", mediaId: "m" }, chunks(bytes), expecting(bytes, { expiresAt: new Date(clock.now + 60_000) }));
    const stale = join(root, "new", "cut.part-1");
    await writeFile(stale, "half");
    await utimes(stale, new Date(clock.now - 7_200_000), new Date(clock.now - 7_200_000));
    const fresh = join(root, "new", "live.part-2");
    await writeFile(fresh, "half");
    await utimes(fresh, new Date(clock.now), new Date(clock.now));

    clock.now += 2_000;
    expect(await storage.stat({ sessionId: "old", mediaId: "m" })).toBeNull();
    expect(await storage.sweep({ staleUploadMs: 3_600_000 })).toBe(1);
    expect(await filesUnder(root)).toEqual(["new", "new/live.part-2", "new/m", "new/m.json"]);
    clock.now -= 2_000;
  });

  it("sweeps on a schedule until stopped", async () => {
    const bytes = randomBytes(4);
    await storage.receiveUpload({ sessionId: "old", mediaId: "m" }, chunks(bytes), expecting(bytes, { expiresAt: new Date(clock.now + 1_000) }));
    const errors: unknown[] = [];
    const stop = storage.sweepEvery(20, { staleUploadMs: 3_600_000, onError: (err) => errors.push(err) });
    try {
      clock.now += 2_000;
      await eventually(async () => expect(await filesUnder(root)).toEqual([]));
      expect(errors).toEqual([]);
    } finally {
      stop();
      clock.now -= 2_000;
    }
  });
});
