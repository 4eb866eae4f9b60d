// The real processes for the media tests: the example agent's runtime (mock provider, scenario
// `media`) and Node facades beside it, all with the same OMNIA_MEDIA_* environment, plus a socket
// client that records every frame (upload_ready and upload_complete included), the media API's
// calls as a client makes them, and the test's PNG.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import * as v from "valibot";
import { expect } from "vitest";
import WebSocket from "ws";
import { REPO_ROOT, startOmniaProcess, waitForHttpOk, type OmniaProcess } from "../../deploy/local/child-process.js";
import { startLocalRuntimes, type LocalRuntimes } from "../../deploy/local/local-stack.js";
import { UploadCompleteFrameSchema, UploadReadyFrameSchema } from "../../shared/protocol/media-frames.js";
import { ServerFrameSchema } from "../../shared/protocol/server-frames.js";
import { freePort } from "../helpers/free-port.js";
import type { S3Server } from "../helpers/media-servers/s3-server.js";

/** The examples without the secured agent: one open agent, `assistant`, with the mock provider. */
function exampleManifests(dir: string): string {
  const out = join(dir, "manifests");
  mkdirSync(out, { recursive: true });
  for (const name of readdirSync(join(REPO_ROOT, "deploy/examples"))) {
    if (/\.ya?ml$/.test(name) && !name.includes("secured")) copyFileSync(join(REPO_ROOT, "deploy/examples", name), join(out, name));
  }
  return out;
}

/** OMNIA_MEDIA_* (and the AWS keys) for the S3 test server, the same for facades and the runtime. */
export function s3MediaEnv(s3: S3Server, prefix = ""): Record<string, string> {
  return {
    OMNIA_MEDIA_STORAGE_TYPE: "s3",
    OMNIA_MEDIA_S3_BUCKET: s3.bucket,
    OMNIA_MEDIA_S3_ENDPOINT: s3.endpoint,
    OMNIA_MEDIA_S3_REGION: s3.region,
    OMNIA_MEDIA_S3_PREFIX: prefix,
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  };
}

/** What s3rver answers to presigned PUTs it refuses, as the clients of every S3 placement see it. */
export const S3RVER_REFUSALS = {
  // The signature covers Content-Type and Content-Length (the S3 backend's SIGNED_UPLOAD_HEADERS).
  wrongType: { status: 403, body: "SignatureDoesNotMatch" },
  wrongLength: { status: 403, body: "SignatureDoesNotMatch" },
  // s3rver refuses once X-Amz-Date plus X-Amz-Expires has passed, as S3 does.
  expired: { status: 403, body: "Request has expired" },
};

export interface MediaStack {
  dir: string;
  runtimes: LocalRuntimes;
  /** Starts a facade for the assistant with the stack's media env and `env`; stopped with the stack. */
  facade(env?: Record<string, string>): Promise<{ url: string; process: OmniaProcess }>;
  stop(): Promise<void>;
}

export async function startMediaStack(env: Record<string, string>, opts: { redisUrl?: string } = {}): Promise<MediaStack> {
  const dir = mkdtempSync(join(tmpdir(), "omnia-media-"));
  // The local backend is one folder the facades and the runtime share.
  const mediaEnv = env.OMNIA_MEDIA_STORAGE_TYPE === "local" ? { OMNIA_MEDIA_STORAGE_PATH: join(dir, "media"), ...env } : env;
  const runtimes = await startLocalRuntimes({ manifestsDir: exampleManifests(dir), stateDir: dir, runtimeEnv: mediaEnv, redisUrl: opts.redisUrl });
  let count = 0;
  return {
    dir,
    runtimes,
    async facade(env = {}) {
      const port = env.OMNIA_FACADE_PORT ? Number(env.OMNIA_FACADE_PORT) : await freePort();
      const process = startOmniaProcess({
        name: `media-facade-${++count}`,
        entry: "facade/node/main.ts",
        logDir: runtimes.logDir,
        env: {
          OMNIA_AGENT_NAME: "assistant",
          OMNIA_RUNTIME_ADDRESS: `127.0.0.1:${runtimes.runtime("default/assistant").grpcPort}`,
          OMNIA_FACADE_PORT: String(port),
          ...(opts.redisUrl ? { OMNIA_REDIS_URL: opts.redisUrl } : {}),
          ...mediaEnv,
          ...env,
        },
      });
      runtimes.watch(process);
      const url = `http://127.0.0.1:${port}`;
      await waitForHttpOk(`${url}/readyz`, 30_000, process.exited);
      return { url, process };
    },
    async stop() {
      await runtimes.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Frame = { type: string; session_id?: string } & Record<string, unknown>;

/** A protocol client that keeps every frame and checks the ones it knows against the schemas. */
export class MediaSocket {
  readonly frames: Frame[] = [];
  readonly invalid: string[] = [];
  private read = 0;
  private wake: () => void = () => {};

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      const schema = frame.type === "upload_ready" ? UploadReadyFrameSchema : frame.type === "upload_complete" ? UploadCompleteFrameSchema : ServerFrameSchema;
      const parsed = v.safeParse(schema, frame);
      if (!parsed.success) this.invalid.push(`${data.toString()}: ${parsed.issues.map((i) => i.message).join("; ")}`);
      this.frames.push(frame);
      this.wake();
    });
    ws.on("close", () => this.wake());
  }

  /** `query`: the upgrade's, e.g. `?agent=secured`. */
  static async open(facadeUrl: string, opts: { headers?: Record<string, string>; query?: string } = {}): Promise<MediaSocket> {
    // Listening before the socket opens: `connected` comes at once.
    const socket = new MediaSocket(new WebSocket(`${facadeUrl.replace(/^http/, "ws")}/ws${opts.query ?? ""}`, { headers: opts.headers ?? {} }));
    await new Promise<void>((resolve, reject) => {
      socket.ws.once("open", () => resolve());
      socket.ws.once("error", reject);
    });
    return socket;
  }

  send(frame: object): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The next unread frame of `type` (unread frames of other types before it are skipped). */
  async next(type: string, timeoutMs = 15_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.read < this.frames.length) {
        const frame = this.frames[this.read++] as Frame;
        if (frame.type === type) return frame;
      }
      if (this.ws.readyState !== WebSocket.OPEN) throw new Error(`socket closed while waiting for ${type}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} frame within ${timeoutMs} ms; frames: ${JSON.stringify(this.frames.slice(-4))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** The next done or error: how the message ended. */
  async outcome(timeoutMs = 20_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.slice(this.read).find((f) => f.type === "done" || f.type === "error");
      if (frame) {
        this.read = this.frames.indexOf(frame) + 1;
        return frame;
      }
      if (Date.now() > deadline) throw new Error(`no done or error within ${timeoutMs} ms; frames: ${JSON.stringify(this.frames.slice(-4))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.ws.close();
  }
}

export interface UploadReady {
  upload_id: string;
  upload_url: string;
  method: string;
  headers: Record<string, string>;
  storage_ref: string;
  expires_at: string;
}

export function uploadReadyOf(frame: Frame): UploadReady {
  return v.parse(UploadReadyFrameSchema, frame).upload_ready;
}

/** A socket on `facadeUrl` and the session its `connected` named. */
export async function openSession(facadeUrl: string): Promise<{ socket: MediaSocket; sessionId: string }> {
  const socket = await MediaSocket.open(facadeUrl);
  return { socket, sessionId: String((await socket.next("connected")).session_id) };
}

/** upload_request on the socket (the test PNG unless told otherwise), and the upload_ready it got. */
export async function askUpload(socket: MediaSocket, sessionId: string, file: { filename?: string; mimeType?: string; sizeBytes?: number } = {}): Promise<UploadReady> {
  const upload_request = { filename: file.filename ?? "photo.png", mime_type: file.mimeType ?? "image/png", size_bytes: file.sizeBytes ?? TEST_PNG.byteLength };
  socket.send({ type: "upload_request", session_id: sessionId, upload_request });
  return uploadReadyOf(await socket.next("upload_ready"));
}

const UploadTicketSchema = v.object({
  upload_id: v.string(),
  url: v.string(),
  method: v.string(),
  headers: v.record(v.string(), v.string()),
  storage_ref: v.string(),
  expires_at: v.string(),
});

/** What POST /media/request-upload answers. */
export type UploadTicket = v.InferOutput<typeof UploadTicketSchema>;

/** The ticket of a request-upload answer, checked. */
export async function ticketOf(res: Response): Promise<UploadTicket> {
  return v.parse(UploadTicketSchema, await res.json());
}

const ErrorBodySchema = v.object({ error: v.record(v.string(), v.unknown()) });

/** A refusal of the media API as its client reads it: the status and the error object. */
export async function errorOf(res: Response): Promise<{ status: number; error: Record<string, unknown> }> {
  return { status: res.status, error: v.parse(ErrorBodySchema, await res.json()).error };
}

/** POST /media/request-upload with a JSON body (the test PNG's for `sessionId` unless `body` is given). */
export function requestUpload(facadeUrl: string, sessionId: string, body?: object): Promise<Response> {
  return fetch(`${facadeUrl}/media/request-upload`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body ?? { session_id: sessionId, filename: "photo.png", mime_type: "image/png", size_bytes: TEST_PNG.byteLength }),
  });
}

/** POST /media/confirm-upload, naming the caller's session when given. */
export function confirmUpload(facadeUrl: string, uploadId: string, sessionId?: string): Promise<Response> {
  return fetch(`${facadeUrl}/media/confirm-upload/${uploadId}`, { method: "POST", ...(sessionId === undefined ? {} : { body: JSON.stringify({ session_id: sessionId }) }) });
}

/** The media id at the end of a storage_ref. */
export function mediaIdOf(storageRef: string): string {
  return storageRef.split("/").pop() ?? "";
}

/** Sends the bytes as upload_ready (or request-upload) said: that method, those headers; a relative URL is the facade's. */
export function putUpload(facadeUrl: string, ticket: { url?: string; upload_url?: string; method: string; headers: Record<string, string> }, body: Uint8Array<ArrayBuffer>): Promise<Response> {
  const url = ticket.upload_url ?? ticket.url ?? "";
  return fetch(new URL(url, `${facadeUrl}/`), { method: ticket.method, headers: ticket.headers, body });
}

/** A message with the media scenario naming `refs`: the mock answers MIME type, size and SHA-256 of each. */
export function mediaMessage(sessionId: string, refs: Array<{ storage_ref: string; mime_type: string }>): object {
  return {
    type: "message",
    session_id: sessionId,
    parts: [{ type: "text", text: "what did I send?" }, ...refs.map((media) => ({ type: "image", media }))],
    metadata: { mock_scenario: "media" },
  };
}

/**
 * Sends a message naming the uploaded test PNG: the socket hears upload_complete for it (now, or
 * already when the upload completed) and the mock answers the bytes' type, size and SHA-256.
 */
export async function sendsAndHearsItsSha256(socket: MediaSocket, sessionId: string, ready: UploadReady): Promise<void> {
  socket.send(mediaMessage(sessionId, [{ storage_ref: ready.storage_ref, mime_type: "image/png" }]));
  expect((await socket.next("upload_complete")).upload_complete).toEqual({ upload_id: ready.upload_id, storage_ref: ready.storage_ref, size_bytes: TEST_PNG.byteLength });
  expect((await socket.outcome()).content).toContain(`image/png, ${TEST_PNG.byteLength} bytes, sha256 ${sha256(TEST_PNG)}`);
  expect(socket.invalid).toEqual([]);
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A real PNG (a size x size gradient), made here so the tests need no fixture file. */
export function testPng(size = 64): Uint8Array<ArrayBuffer> {
  const rows: number[] = [];
  for (let y = 0; y < size; y++) {
    rows.push(0);
    for (let x = 0; x < size; x++) rows.push((x * 255) / size, (y * 255) / size, 128);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.from(rows))), chunk("IEND", Buffer.alloc(0))]);
  return new Uint8Array(png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer);
}

/** The PNG the media tests upload unless they need another. */
export const TEST_PNG = testPng();
