// Media through the Node facade with the local backend (the facade's disk), against the real
// runtime: the socket flow to the mock's SHA-256, the HTTP API, every refusal, cross-session
// access, a second confirm, expiry with short TTLs, and the local upload route's CORS.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { MediaSocket, mediaMessage, putUpload, sha256, startMediaStack, testPng, uploadReadyOf, type MediaStack } from "./media-stack.js";

const ALLOWED_ORIGIN = "https://chat.example.com";
let stack: MediaStack;
let facade: string;
const png = testPng();

async function socketUpload(socket: MediaSocket, sessionId: string, bytes: Uint8Array, mimeType = "image/png") {
  socket.send({ type: "upload_request", session_id: sessionId, upload_request: { filename: "picture.png", mime_type: mimeType, size_bytes: bytes.byteLength } });
  return uploadReadyOf(await socket.next("upload_ready"));
}

async function opened(url = facade): Promise<{ socket: MediaSocket; sessionId: string }> {
  const socket = await MediaSocket.open(url);
  const connected = await socket.next("connected");
  return { socket, sessionId: String(connected.session_id) };
}

beforeAll(async () => {
  stack = await startMediaStack({ OMNIA_MEDIA_STORAGE_TYPE: "local", OMNIA_MEDIA_MAX_FILE_SIZE: String(1024 * 1024), OMNIA_MEDIA_ALLOWED_TYPES: "image/*,text/plain" });
  facade = (await stack.facade({ OMNIA_ALLOWED_ORIGINS: ALLOWED_ORIGIN })).url;
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

describe("media over the socket, local backend", () => {
  it("uploads a PNG through the facade's PUT, says upload_complete, and the mock answers its SHA-256", async () => {
    const { socket, sessionId } = await opened();
    const ready = await socketUpload(socket, sessionId, png);
    expect(ready.upload_url).toBe(`/media/upload/${ready.upload_id}`);
    expect(ready).toMatchObject({ method: "PUT", headers: { "Content-Type": "image/png" } });
    expect(ready.storage_ref).toMatch(new RegExp(`^omnia://sessions/${sessionId}/media/[0-9a-f-]{36}$`));
    expect(Date.parse(ready.expires_at) - Date.now()).toBeGreaterThan(14 * 60_000);

    const put = await putUpload(facade, ready, png);
    expect(put.status).toBe(204);
    expect((await socket.next("upload_complete")).upload_complete).toEqual({ upload_id: ready.upload_id, storage_ref: ready.storage_ref, size_bytes: png.byteLength });

    socket.send(mediaMessage(sessionId, [{ storage_ref: ready.storage_ref, mime_type: "image/png" }]));
    const done = await socket.outcome();
    expect(done.type).toBe("done");
    expect(done.content).toContain(`image/png, ${png.byteLength} bytes, sha256 ${sha256(png)}`);
    expect(socket.invalid).toEqual([]);
    socket.close();
  });

  it("refuses a message naming media that was never uploaded, saying why, and the session goes on", async () => {
    const { socket, sessionId } = await opened();
    const ready = await socketUpload(socket, sessionId, png);
    socket.send(mediaMessage(sessionId, [{ storage_ref: ready.storage_ref, mime_type: "image/png" }]));
    const refused = await socket.outcome();
    expect(refused.error).toMatchObject({ code: "UPLOAD_FAILED", details: { reason: "not_uploaded" } });
    expect(String((refused.error as { message: string }).message)).toContain("nothing has been uploaded");

    expect((await putUpload(facade, ready, png)).status).toBe(204);
    socket.send(mediaMessage(sessionId, [{ storage_ref: ready.storage_ref, mime_type: "image/png" }]));
    expect((await socket.outcome()).content).toContain(sha256(png));
    socket.close();
  });

  it("refuses too large (413) and disallowed types (415) before any URL is issued", async () => {
    const { socket, sessionId } = await opened();
    socket.send({ type: "upload_request", session_id: sessionId, upload_request: { filename: "big.png", mime_type: "image/png", size_bytes: 2 * 1024 * 1024 } });
    expect((await socket.next("error")).error).toMatchObject({ code: "UPLOAD_FAILED", details: { reason: "too_large", status: 413 } });
    socket.send({ type: "upload_request", session_id: sessionId, upload_request: { filename: "a.exe", mime_type: "application/x-msdownload", size_bytes: 10 } });
    const refused = await socket.next("error");
    expect(refused.error).toMatchObject({ code: "UPLOAD_FAILED", details: { reason: "unsupported_type", status: 415 } });
    expect(String((refused.error as { message: string }).message)).toContain("allowed: image/*, text/plain");
    expect(socket.frames.some((f) => f.type === "upload_ready")).toBe(false);

    const http = (body: object) => fetch(`${facade}/media/request-upload`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await http({ session_id: sessionId, filename: "big.png", mime_type: "image/png", size_bytes: 2 * 1024 * 1024 })).status).toBe(413);
    expect((await http({ session_id: sessionId, filename: "a.exe", mime_type: "application/x-msdownload", size_bytes: 10 })).status).toBe(415);
    const bad = await http({ session_id: sessionId, filename: "x.png" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "UPLOAD_FAILED", reason: "bad_request" } });
    socket.close();
  });

  it("refuses a PUT of other bytes or another type, keeping nothing", async () => {
    const { socket, sessionId } = await opened();
    const ready = await socketUpload(socket, sessionId, png);
    const wrongType = await putUpload(facade, { ...ready, headers: { "Content-Type": "text/plain" } }, png);
    expect(wrongType.status).toBe(400);
    expect(await wrongType.text()).toContain("Content-Type image/png");
    expect((await putUpload(facade, ready, png.subarray(1))).status).toBe(400);
    const info = await fetch(`${facade}/media/info/${sessionId}/${ready.storage_ref.split("/").pop()}`);
    expect(info.status).toBe(400);
    expect((await putUpload(facade, ready, png)).status).toBe(204);
    socket.close();
  });

  it("serves info and the same bytes over HTTP; another session's id gets 404 and another session's message is refused", async () => {
    const { socket, sessionId } = await opened();
    const ready = await socketUpload(socket, sessionId, png);
    await putUpload(facade, ready, png);
    const mediaId = ready.storage_ref.split("/").pop() ?? "";

    const info = await fetch(`${facade}/media/info/${sessionId}/${mediaId}`);
    expect(await info.json()).toMatchObject({ storage_ref: ready.storage_ref, filename: "picture.png", mime_type: "image/png", size_bytes: png.byteLength });
    const download = await fetch(`${facade}/media/download/${sessionId}/${mediaId}`);
    expect(download.headers.get("content-type")).toBe("image/png");
    expect(download.headers.get("content-disposition")).toBe('inline; filename="picture.png"');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(png);

    const other = await opened();
    expect((await fetch(`${facade}/media/info/${other.sessionId}/${mediaId}`)).status).toBe(404);
    expect((await fetch(`${facade}/media/download/${other.sessionId}/${mediaId}`)).status).toBe(404);
    other.socket.send(mediaMessage(other.sessionId, [{ storage_ref: ready.storage_ref, mime_type: "image/png" }]));
    expect((await other.socket.outcome()).error).toMatchObject({ code: "UPLOAD_FAILED", details: { reason: "not_found", status: 404 } });
    // The refused session still answers.
    other.socket.send({ type: "message", session_id: other.sessionId, content: "hi" });
    expect((await other.socket.outcome()).type).toBe("done");
    socket.close();
    other.socket.close();
  });

  it("answers a confirm for nothing and a second confirm clearly", async () => {
    const unknown = await fetch(`${facade}/media/confirm-upload/00000000-0000-4000-8000-000000000000`, { method: "POST" });
    expect(unknown.status).toBe(404);
    const { socket, sessionId } = await opened();
    const ready = await socketUpload(socket, sessionId, png);
    const early = await fetch(`${facade}/media/confirm-upload/${ready.upload_id}`, { method: "POST" });
    expect(early.status).toBe(400);
    expect(await early.json()).toMatchObject({ error: { reason: "not_uploaded" } });
    await putUpload(facade, ready, png);
    const again = await fetch(`${facade}/media/confirm-upload/${ready.upload_id}`, { method: "POST" });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { reason: "already_confirmed" } });
    expect((await putUpload(facade, ready, png)).status).toBe(409);
    socket.close();
  });

  it("answers the upload route's preflight for an allowed origin only", async () => {
    const preflight = (origin: string) =>
      fetch(`${facade}/media/upload/some-id`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "PUT", "access-control-request-headers": "content-type" } });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get("access-control-allow-methods")).toContain("PUT");
    const other = await preflight("https://evil.example.com");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("media expiry, local backend", () => {
  it("refuses a PUT after the upload URL expired, and forgets media after its TTL", async () => {
    const short = (await stack.facade({ OMNIA_MEDIA_STORAGE_PATH: join(stack.dir, "media-short"), OMNIA_MEDIA_UPLOAD_URL_TTL: "1s", OMNIA_MEDIA_DEFAULT_TTL: "2s" })).url;
    const { socket, sessionId } = await opened(short);
    const late = await socketUpload(socket, sessionId, png);
    const kept = await socketUpload(socket, sessionId, png);
    expect((await putUpload(short, kept, png)).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const refused = await putUpload(short, late, png);
    expect(refused.status).toBe(410);
    expect(await refused.text()).toContain("expired");
    const mediaId = kept.storage_ref.split("/").pop() ?? "";
    expect((await fetch(`${short}/media/info/${sessionId}/${mediaId}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await fetch(`${short}/media/info/${sessionId}/${mediaId}`)).status).toBe(404);
    expect((await fetch(`${short}/media/download/${sessionId}/${mediaId}`)).status).toBe(404);
    socket.close();
  });
});
