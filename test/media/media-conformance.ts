// The media conformance suite (PROTOCOL.md section 2 and the media frames of section 1), written
// against a MediaTarget so every placement of the facade (a pod with the local backend, pod
// replicas with S3 and Redis, the Worker in workerd) answers a client the same way, through the
// real processes: what a client sees, frames and HTTP statuses and bodies.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  askUpload,
  confirmUpload,
  errorOf,
  mediaIdOf,
  mediaMessage,
  openSession,
  putUpload,
  requestUpload,
  sendsAndHearsItsSha256,
  sha256,
  TEST_PNG,
  ticketOf,
  type MediaSocket,
  type UploadReady,
  type UploadTicket,
} from "./media-stack.js";

/** The limits every placement starts its facades and runtime with, for the refusals the suite expects. */
export const MEDIA_CONFORMANCE_ENV = { OMNIA_MEDIA_MAX_FILE_SIZE: String(1024 * 1024), OMNIA_MEDIA_ALLOWED_TYPES: "image/*,text/plain" };

/** What the facade at MediaTarget.shortTtlUrl runs with. */
export const SHORT_TTL_ENV = { OMNIA_MEDIA_UPLOAD_URL_TTL: "1s", OMNIA_MEDIA_DEFAULT_TTL: "2s" };

/** A refusal as the client reads it: the status and a piece of the body naming why. */
export interface Refusal {
  status: number;
  body: string;
}

export interface MediaTarget {
  /** The facade a client talks to: http://127.0.0.1:port, no trailing slash. */
  url: string;
  /**
   * Another facade of the placement sharing its pending uploads, where the suite confirms and
   * asks for info: the pod's other replica (through Redis); at the edge the Worker itself, whose
   * front answers HTTP while each session's socket lives in its Durable Object; for the local
   * backend `url` again, as its pending uploads live in that one process.
   */
  peerUrl: string;
  /** How an upload URL for `sessionId` starts: the facade's own route, or the bucket's path. */
  uploadUrlPrefix(sessionId: string): string;
  store: {
    /** An accepted PUT: 204 at the facade's local route, 200 from s3rver (201 from Azurite). */
    putStatus: number;
    /**
     * The local route writes and confirms in one, so the PUT completes the upload and a confirm
     * after it is a second one (409). A cloud store tells the facade nothing: a confirm does.
     */
    putConfirms: boolean;
    /** A PUT with another Content-Type: the local route checks it; an S3 signature binds it, so the store refuses. */
    wrongType: Refusal;
    /** A PUT of fewer bytes than requested, refused as wrongType is. */
    wrongLength: Refusal;
    /** A PUT after the upload URL expired: 410 at the local route; s3rver checks X-Amz-Date plus X-Amz-Expires (403). */
    expired: Refusal;
  };
  /** GET /media/download: the facade serves the bytes (local), or redirects (307) to the store's presigned GET. */
  download: "served" | "redirect";
  /** A facade of the placement with SHORT_TTL_ENV on top of its media env (the placement starts and stops it). */
  shortTtlUrl: string;
}

const png = TEST_PNG;

export function describeMediaConformance(placement: string, getTarget: () => MediaTarget): void {
  const sockets: MediaSocket[] = [];
  const session = async (url = getTarget().url) => {
    const opened = await openSession(url);
    sockets.push(opened.socket);
    return opened;
  };
  afterEach(() => {
    for (const socket of sockets.splice(0)) {
      expect(socket.invalid, "every frame matches its schema").toEqual([]);
      socket.close();
    }
  });

  /** The PUT as the ticket says, then (for a store that does not tell the facade) a confirm at the peer. */
  const completes = async (ticket: UploadReady | UploadTicket, facadeUrl = getTarget().url, confirmAt = getTarget().peerUrl) => {
    const { store } = getTarget();
    expect((await putUpload(facadeUrl, ticket, png)).status).toBe(store.putStatus);
    if (!store.putConfirms) {
      const confirmed = await confirmUpload(confirmAt, ticket.upload_id);
      expect(confirmed.status, await confirmed.clone().text()).toBe(200);
    }
  };

  describe(`media conformance (${placement})`, () => {
    it("uploads as upload_ready says; the message naming it completes it once and the mock answers its SHA-256", async () => {
      const target = getTarget();
      const { socket, sessionId } = await session();
      const ready = await askUpload(socket, sessionId);
      expect(ready.upload_url.startsWith(target.uploadUrlPrefix(sessionId)), ready.upload_url).toBe(true);
      expect(ready).toMatchObject({ method: "PUT", headers: { "Content-Type": "image/png" } });
      expect(ready.storage_ref).toMatch(new RegExp(`^omnia://sessions/${sessionId}/media/[0-9a-f-]{36}$`));
      expect(Date.parse(ready.expires_at) - Date.now()).toBeGreaterThan(14 * 60_000);

      expect((await putUpload(target.url, ready, png)).status).toBe(target.store.putStatus);
      await sendsAndHearsItsSha256(socket, sessionId, ready);
      expect(socket.frames.filter((f) => f.type === "upload_complete")).toHaveLength(1);
    });

    it("refuses too large (413) and disallowed types (415) before any URL is issued, and the socket goes on", async () => {
      const { url } = getTarget();
      const { socket, sessionId } = await session();
      socket.send({ type: "upload_request", session_id: sessionId, upload_request: { filename: "big.png", mime_type: "image/png", size_bytes: 2 * 1024 * 1024 } });
      expect((await socket.next("error")).error).toMatchObject({ code: "UPLOAD_FAILED", details: { reason: "too_large", status: 413 } });
      socket.send({ type: "upload_request", session_id: sessionId, upload_request: { filename: "a.exe", mime_type: "application/x-msdownload", size_bytes: 10 } });
      const refused = await socket.next("error");
      expect(refused.error).toMatchObject({ code: "UPLOAD_FAILED", details: { reason: "unsupported_type", status: 415 } });
      expect(String((refused.error as { message: string }).message)).toContain("allowed: image/*, text/plain");
      expect(socket.frames.some((f) => f.type === "upload_ready")).toBe(false);
      socket.send({ type: "message", session_id: sessionId, content: "hi" });
      expect((await socket.outcome()).type).toBe("done");

      const body = (mime_type: string, size_bytes: number) => ({ session_id: sessionId, filename: "file", mime_type, size_bytes });
      expect(await errorOf(await requestUpload(url, sessionId, body("image/png", 2 * 1024 * 1024)))).toMatchObject({ status: 413, error: { code: "UPLOAD_FAILED", reason: "too_large" } });
      expect(await errorOf(await requestUpload(url, sessionId, body("application/x-msdownload", 10)))).toMatchObject({ status: 415, error: { reason: "unsupported_type" } });
      expect(await errorOf(await requestUpload(url, sessionId, { session_id: sessionId, filename: "x.png" }))).toMatchObject({ status: 400, error: { reason: "bad_request" } });
    });

    it("refuses a message naming media never uploaded, saying why, and the session goes on", async () => {
      const { url } = getTarget();
      const { socket, sessionId } = await session();
      const ready = await askUpload(socket, sessionId);
      socket.send(mediaMessage(sessionId, [{ storage_ref: ready.storage_ref, mime_type: "image/png" }]));
      const refused = (await socket.outcome()).error as { message: string };
      expect(refused).toMatchObject({ code: "UPLOAD_FAILED", details: { reason: "not_uploaded", status: 400 } });
      expect(refused.message).toContain("nothing has been uploaded");

      await putUpload(url, ready, png);
      await sendsAndHearsItsSha256(socket, sessionId, ready);
    });

    it("refuses a PUT of other bytes or another type, keeping nothing", async () => {
      const { url, peerUrl, store } = getTarget();
      const { socket, sessionId } = await session();
      const ready = await askUpload(socket, sessionId);
      const wrongType = await putUpload(url, { ...ready, headers: { ...ready.headers, "Content-Type": "text/plain" } }, png);
      expect(wrongType.status).toBe(store.wrongType.status);
      expect(await wrongType.text()).toContain(store.wrongType.body);
      const wrongLength = await putUpload(url, ready, png.subarray(1));
      expect(wrongLength.status).toBe(store.wrongLength.status);
      expect(await wrongLength.text()).toContain(store.wrongLength.body);
      expect(await errorOf(await confirmUpload(peerUrl, ready.upload_id))).toMatchObject({ status: 400, error: { reason: "not_uploaded" } });
      expect((await fetch(`${peerUrl}/media/info/${sessionId}/${mediaIdOf(ready.storage_ref)}`)).status).toBe(400);

      expect((await putUpload(url, ready, png)).status).toBe(store.putStatus);
      await sendsAndHearsItsSha256(socket, sessionId, ready);
    });

    it("keeps media to its session: another session's info, download and confirm get 404, its message is refused", async () => {
      const { url, peerUrl } = getTarget();
      const mine = await session();
      const ready = await askUpload(mine.socket, mine.sessionId);
      await completes(ready);
      const mediaId = mediaIdOf(ready.storage_ref);

      const other = await session();
      expect((await fetch(`${url}/media/info/${other.sessionId}/${mediaId}`)).status).toBe(404);
      expect((await fetch(`${url}/media/download/${other.sessionId}/${mediaId}`, { redirect: "manual" })).status).toBe(404);
      expect((await confirmUpload(peerUrl, ready.upload_id, other.sessionId)).status).toBe(404);
      other.socket.send(mediaMessage(other.sessionId, [{ storage_ref: ready.storage_ref, mime_type: "image/png" }]));
      expect((await other.socket.outcome()).error).toMatchObject({ code: "UPLOAD_FAILED", details: { reason: "not_found", status: 404 } });
      other.socket.send({ type: "message", session_id: other.sessionId, content: "hi" });
      expect((await other.socket.outcome()).type).toBe("done");
      expect((await fetch(`${url}/media/info/${mine.sessionId}/${mediaId}`)).status).toBe(200);
    });

    it("answers a confirm for nothing (404), before the upload (400) and a second one (409)", async () => {
      const { url, peerUrl } = getTarget();
      expect(await errorOf(await confirmUpload(peerUrl, randomUUID()))).toMatchObject({ status: 404, error: { code: "UPLOAD_FAILED", reason: "not_found" } });
      const { socket, sessionId } = await session();
      const ready = await askUpload(socket, sessionId);
      expect(await errorOf(await confirmUpload(peerUrl, ready.upload_id))).toMatchObject({ status: 400, error: { reason: "not_uploaded" } });
      await completes(ready);
      expect(await errorOf(await confirmUpload(url, ready.upload_id))).toMatchObject({ status: 409, error: { reason: "already_confirmed" } });
    });

    it("works over HTTP alone: request-upload, PUT, confirm, info and download of the same bytes", async () => {
      const target = getTarget();
      const sessionId = `http-${randomUUID()}`;
      const res = await requestUpload(target.url, sessionId);
      expect(res.status).toBe(200);
      const ticket = await ticketOf(res);
      expect(ticket.url.startsWith(target.uploadUrlPrefix(sessionId)), ticket.url).toBe(true);
      expect(ticket).toMatchObject({ method: "PUT", headers: { "Content-Type": "image/png" }, storage_ref: expect.stringMatching(`^omnia://sessions/${sessionId}/media/`) });
      expect((await putUpload(target.url, ticket, png)).status).toBe(target.store.putStatus);
      const described = { storage_ref: ticket.storage_ref, filename: "photo.png", mime_type: "image/png", size_bytes: png.byteLength };
      if (!target.store.putConfirms) {
        const confirmed = await confirmUpload(target.peerUrl, ticket.upload_id);
        expect(confirmed.status).toBe(200);
        expect(await confirmed.json()).toMatchObject(described);
      }
      const info = await fetch(`${target.peerUrl}/media/info/${sessionId}/${mediaIdOf(ticket.storage_ref)}`);
      expect(info.status).toBe(200);
      expect(await info.json()).toMatchObject(described);

      const download = await fetch(`${target.url}/media/download/${sessionId}/${mediaIdOf(ticket.storage_ref)}`, { redirect: "manual" });
      if (target.download === "served") {
        expect(download.status).toBe(200);
        expect(download.headers.get("content-type")).toBe("image/png");
        expect(download.headers.get("content-disposition")).toBe('inline; filename="photo.png"');
        expect(new Uint8Array(await download.arrayBuffer())).toEqual(png);
      } else {
        expect(download.status).toBe(307);
        const stored = await fetch(download.headers.get("location") ?? "");
        expect(stored.status).toBe(200);
        expect(new Uint8Array(await stored.arrayBuffer())).toEqual(png);
      }
    });

    it("refuses a PUT after the upload URL expired, and forgets media after its TTL", async () => {
      const { store } = getTarget();
      const short = getTarget().shortTtlUrl;
      const { socket, sessionId } = await session(short);
      const late = await askUpload(socket, sessionId);
      const kept = await askUpload(socket, sessionId);
      await completes(kept, short, short);
      const mediaId = mediaIdOf(kept.storage_ref);
      const info = await fetch(`${short}/media/info/${sessionId}/${mediaId}`);
      expect(info.status).toBe(200);
      const { expires_at } = (await info.json()) as { expires_at: string };

      await sleepUntil(Date.parse(late.expires_at) + 200);
      const refused = await putUpload(short, late, png);
      expect(refused.status).toBe(store.expired.status);
      expect(await refused.text()).toContain(store.expired.body);
      // Nothing arrived while its URL lasted, and nothing can now.
      expect(await errorOf(await confirmUpload(short, late.upload_id))).toMatchObject({ status: 410, error: { reason: "expired" } });

      await sleepUntil(Date.parse(expires_at) + 200);
      expect((await fetch(`${short}/media/info/${sessionId}/${mediaId}`)).status).toBe(404);
      expect((await fetch(`${short}/media/download/${sessionId}/${mediaId}`, { redirect: "manual" })).status).toBe(404);
      socket.send(mediaMessage(sessionId, [{ storage_ref: kept.storage_ref, mime_type: "image/png" }]));
      expect((await socket.outcome()).error).toMatchObject({ code: "UPLOAD_FAILED", details: { reason: "not_found" } });
    });

    it("tells the session's socket upload_complete once when the upload completes over HTTP elsewhere", async () => {
      const { url } = getTarget();
      const { socket, sessionId } = await session();
      const ready = await askUpload(socket, sessionId);
      await completes(ready);
      // Heard before any message names it.
      expect((await socket.next("upload_complete")).upload_complete).toEqual({ upload_id: ready.upload_id, storage_ref: ready.storage_ref, size_bytes: png.byteLength });
      expect((await confirmUpload(url, ready.upload_id)).status).toBe(409);
      socket.send(mediaMessage(sessionId, [{ storage_ref: ready.storage_ref, mime_type: "image/png" }]));
      expect((await socket.outcome()).content).toContain(`image/png, ${png.byteLength} bytes, sha256 ${sha256(png)}`);
      expect(socket.frames.filter((f) => f.type === "upload_complete")).toHaveLength(1);
    });
  });
}

function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
}
