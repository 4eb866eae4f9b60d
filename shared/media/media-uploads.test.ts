// The upload flow on the local backend with pending uploads in memory: requests and their
// refusals, the local PUT, confirms, messages and media ownership.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalMediaStorage } from "./local-media-storage.js";
import { MEDIA_DEFAULTS, type MediaLimits } from "./media-config.js";
import { MediaUploads, type LocalPut } from "./media-uploads.js";
import { MemoryPendingUploads } from "./memory-pending-uploads.js";
import { DEFAULT_ALLOWED_MIME_TYPES } from "./mime-types.js";

const LIMITS: MediaLimits = {
  maxFileSizeBytes: MEDIA_DEFAULTS.maxFileSizeBytes,
  mediaTtlMs: MEDIA_DEFAULTS.mediaTtlMs,
  uploadUrlTtlMs: MEDIA_DEFAULTS.uploadUrlTtlMs,
  downloadUrlTtlMs: MEDIA_DEFAULTS.downloadUrlTtlMs,
  allowedMimeTypes: DEFAULT_ALLOWED_MIME_TYPES,
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let root: string;
let clock: { now: number };
let uploads: MediaUploads;
let local: LocalMediaStorage;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "omnia-media-flow-"));
  clock = { now: Date.parse("2026-11-27T08:00:00Z") };
  local = new LocalMediaStorage({ root, baseUrl: "", now: () => clock.now });
  uploads = new MediaUploads({ storage: local, local, pending: new MemoryPendingUploads({ now: () => clock.now }), limits: LIMITS, now: () => clock.now });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const png = { sessionId: "session-a", filename: "holiday/../beach.png", mimeType: "image/png", sizeBytes: 2_000 };
const putOf = (bytes: Uint8Array, contentType = "image/png"): LocalPut => ({
  contentType,
  contentLength: bytes.length,
  body: (async function* () {
    yield bytes;
  })(),
});

describe("requesting an upload", () => {
  it("issues a random upload id and media id, a storage ref, and the facade's upload route; the filename is in none of them", async () => {
    const first = await uploads.requestUpload(png);
    const second = await uploads.requestUpload(png);
    expect(first.uploadId).toMatch(UUID);
    expect(first.uploadId).not.toBe(second.uploadId);
    expect(first.storageRef).toMatch(/^omnia:\/\/sessions\/session-a\/media\/[0-9a-f-]{36}$/);
    expect(first.storageRef).not.toBe(second.storageRef);
    expect(first).toMatchObject({ url: `/media/upload/${first.uploadId}`, method: "PUT", headers: { "Content-Type": "image/png" }, expiresAt: "2026-11-27T08:15:00.000Z" });
    expect(JSON.stringify(first)).not.toContain("beach");
  });

  it("refuses a file over the size limit with 413, naming the limit, before issuing anything", async () => {
    const refusal = uploads.requestUpload({ ...png, sizeBytes: LIMITS.maxFileSizeBytes + 1 });
    await expect(refusal).rejects.toMatchObject({
      kind: "too_large",
      status: 413,
      code: "UPLOAD_FAILED",
      message: "holiday/../beach.png is 104857601 bytes (100 MiB); the limit is 104857600 bytes (100 MiB)",
    });
  });

  it("refuses a type outside the allowed list with 415, naming the type and the list; wildcards match subtypes", async () => {
    await expect(uploads.requestUpload({ ...png, mimeType: "application/x-msdownload" })).rejects.toMatchObject({
      kind: "unsupported_type",
      status: 415,
      message: "application/x-msdownload is not an allowed type; allowed: image/*, audio/*, video/*, application/pdf, text/plain",
    });
    for (const mimeType of ["image/webp", "audio/mpeg", "video/mp4", "application/pdf", "text/plain; charset=utf-8", "IMAGE/PNG"]) {
      await expect(uploads.requestUpload({ ...png, mimeType })).resolves.toMatchObject({ method: "PUT" });
    }
    await expect(uploads.requestUpload({ ...png, mimeType: "text/html" })).rejects.toMatchObject({ status: 415 });
  });

  it("refuses a malformed request with 400, saying what is wrong", async () => {
    await expect(uploads.requestUpload({ ...png, sessionId: "../other" })).rejects.toMatchObject({ status: 400, message: "session_id must be a session id (letters, digits, - and _)" });
    await expect(uploads.requestUpload({ ...png, filename: "", sizeBytes: 1.5 })).rejects.toMatchObject({
      status: 400,
      message: "filename must not be empty; size_bytes must be a whole number of bytes",
    });
    await expect(uploads.requestUpload({ ...png, mimeType: "png" })).rejects.toMatchObject({ status: 400, message: 'mime_type "png" is not a MIME type like image/png' });
  });
});

describe("the local upload and its confirmation", () => {
  it("stores the PUT, answers media info, and refuses a second upload or confirm with a clear 409", async () => {
    const ticket = await uploads.requestUpload(png);
    const bytes = randomBytes(2_000);
    const info = await uploads.receiveLocalUpload(ticket.uploadId, putOf(bytes));
    expect(info).toEqual({
      uploadId: ticket.uploadId,
      storageRef: ticket.storageRef,
      filename: "holiday/../beach.png",
      mimeType: "image/png",
      sizeBytes: 2_000,
      createdAt: "2026-11-27T08:00:00.000Z",
      expiresAt: "2026-11-28T08:00:00.000Z",
    });
    const mediaId = ticket.storageRef.split("/").at(-1) ?? "";
    expect(await uploads.mediaInfo("session-a", mediaId)).toEqual(info);
    expect(await uploads.downloadUrl("session-a", mediaId)).toEqual({ url: `/media/download/session-a/${mediaId}`, expiresAt: "2026-11-27T09:00:00.000Z" });
    const second = { kind: "already_confirmed", status: 409, message: `upload ${ticket.uploadId} was already confirmed; its media is ${ticket.storageRef}` };
    await expect(uploads.confirmUpload(ticket.uploadId)).rejects.toMatchObject(second);
    await expect(uploads.receiveLocalUpload(ticket.uploadId, putOf(bytes))).rejects.toMatchObject(second);
  });

  it("answers a confirm for nothing uploaded differently from a second confirm", async () => {
    const ticket = await uploads.requestUpload(png);
    await expect(uploads.confirmUpload(ticket.uploadId)).rejects.toMatchObject({
      kind: "not_uploaded",
      status: 400,
      message: `nothing has been uploaded for upload ${ticket.uploadId} (holiday/../beach.png) yet: send the file to its upload URL first`,
    });
    await expect(uploads.confirmUpload("no-such-upload")).rejects.toMatchObject({ kind: "not_found", status: 404, message: "upload no-such-upload not found" });
  });

  it("refuses a PUT after the upload URL expired with 410, and a PUT of other bytes keeps the upload open", async () => {
    const ticket = await uploads.requestUpload({ ...png, sizeBytes: 4 });
    await expect(uploads.receiveLocalUpload(ticket.uploadId, putOf(randomBytes(5)))).rejects.toMatchObject({ kind: "mismatch", status: 400 });
    await expect(uploads.receiveLocalUpload(ticket.uploadId, putOf(randomBytes(4), "image/gif"))).rejects.toMatchObject({ kind: "mismatch" });
    clock.now += LIMITS.uploadUrlTtlMs + 1;
    await expect(uploads.receiveLocalUpload(ticket.uploadId, putOf(randomBytes(4)))).rejects.toMatchObject({ kind: "expired", status: 410 });
    await expect(uploads.confirmUpload(ticket.uploadId)).rejects.toMatchObject({ kind: "expired", status: 410, message: expect.stringContaining("expired at 2026-11-27T08:15:00.000Z") });
  });

  it("keeps media to its session: another session gets 404 and no hint, for confirm, info, download and messages", async () => {
    const ticket = await uploads.requestUpload(png);
    await uploads.receiveLocalUpload(ticket.uploadId, putOf(randomBytes(2_000)));
    const mediaId = ticket.storageRef.split("/").at(-1) ?? "";
    const notFound = { kind: "not_found", status: 404 };
    await expect(uploads.confirmUpload(ticket.uploadId, "session-b")).rejects.toMatchObject({ ...notFound, message: `upload ${ticket.uploadId} not found` });
    await expect(uploads.mediaInfo("session-b", mediaId)).rejects.toMatchObject(notFound);
    await expect(uploads.downloadUrl("session-b", mediaId)).rejects.toMatchObject(notFound);
    await expect(uploads.mediaForMessage("session-b", ticket.storageRef)).rejects.toMatchObject({ ...notFound, message: `${ticket.storageRef} not found` });
    // The same words as for media that never existed.
    const never = "omnia://sessions/session-b/media/00000000-0000-4000-8000-000000000000";
    await expect(uploads.mediaForMessage("session-b", never)).rejects.toMatchObject({ ...notFound, message: `${never} not found` });
  });
});

describe("a message referring to media", () => {
  it("passes once the object is there (confirming it), with its info; a mismatching part type is refused", async () => {
    const ticket = await uploads.requestUpload(png);
    await expect(uploads.mediaForMessage("session-a", ticket.storageRef)).rejects.toMatchObject({ kind: "not_uploaded" });
    await uploads.receiveLocalUpload(ticket.uploadId, putOf(randomBytes(2_000)));
    expect(await uploads.mediaForMessage("session-a", ticket.storageRef, "image/png")).toMatchObject({ storageRef: ticket.storageRef, sizeBytes: 2_000 });
    // Again: a message may name the same media twice.
    expect(await uploads.mediaForMessage("session-a", ticket.storageRef)).toMatchObject({ storageRef: ticket.storageRef });
    await expect(uploads.mediaForMessage("session-a", ticket.storageRef, "video/mp4")).rejects.toMatchObject({
      kind: "mismatch",
      message: `${ticket.storageRef} was uploaded as image/png, not video/mp4`,
    });
  });

  it("refuses a reference that is not one with 400", async () => {
    await expect(uploads.mediaForMessage("session-a", "https://evil.example/x.png")).rejects.toMatchObject({ kind: "bad_request", status: 400 });
    await expect(uploads.mediaForMessage("session-a", "omnia://sessions/session-a/media/../../x")).rejects.toMatchObject({ kind: "bad_request" });
  });

  it("is gone after the media TTL", async () => {
    const ticket = await uploads.requestUpload(png);
    await uploads.receiveLocalUpload(ticket.uploadId, putOf(randomBytes(2_000)));
    clock.now += LIMITS.mediaTtlMs + 1;
    await expect(uploads.mediaForMessage("session-a", ticket.storageRef)).rejects.toMatchObject({ kind: "not_found" });
    expect(await local.sweep({ staleUploadMs: 3_600_000 })).toBe(1);
  });
});
