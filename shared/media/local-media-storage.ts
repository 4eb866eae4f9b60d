// Media on the facade's disk (Node only: node:fs). The facade itself is the "store": it serves
// `PUT /media/upload/{upload_id}` with receiveUpload and downloads with openDownload; URLs are not
// signed because the upload id (random, single use) is the capability and downloads go through
// the facade's session check. Layout under the root, as the reference keeps it:
//   {root}/{session_id}/{media_id}        the bytes
//   {root}/{session_id}/{media_id}.json   sidecar {filename, mime_type, size_bytes, created_at, expires_at}
// Bytes land in a temp file first and are renamed once complete, so a cut upload never looks stored.
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import * as v from "valibot";
import { MediaError } from "./media-error.js";
import { objectKey, type MediaObject } from "./media-ids.js";
import type { ExpectedUpload, LocalDownload, LocalUploadStore, MediaStorage, PresignedRequest, PresignUploadInput, StoredObject } from "./media-storage.js";
import { mimeEssence } from "./mime-types.js";

const SIDECAR = ".json";
const PARTIAL = ".part-";

const SidecarSchema = v.object({
  filename: v.string(),
  mime_type: v.string(),
  size_bytes: v.number(),
  created_at: v.string(),
  expires_at: v.string(),
});
type Sidecar = v.InferOutput<typeof SidecarSchema>;

export interface LocalMediaStorageOptions {
  /** OMNIA_MEDIA_STORAGE_PATH. */
  root: string;
  /** OMNIA_MEDIA_STORAGE_BASE_URL without a trailing slash; empty makes URLs relative to the facade. */
  baseUrl: string;
  now?: () => number;
}

export type { ExpectedUpload, LocalDownload } from "./media-storage.js";

export class LocalMediaStorage implements MediaStorage, LocalUploadStore {
  readonly type = "local";
  private readonly root: string;
  private readonly baseUrl: string;
  private readonly now: () => number;

  constructor({ root, baseUrl, now = Date.now }: LocalMediaStorageOptions) {
    this.root = root;
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.now = now;
  }

  async presignUpload({ uploadId, mimeType, expiresInMs }: PresignUploadInput): Promise<PresignedRequest> {
    return { url: `${this.baseUrl}/media/upload/${encodeURIComponent(uploadId)}`, method: "PUT", headers: { "Content-Type": mimeType }, expiresAt: new Date(this.now() + expiresInMs) };
  }

  async presignDownload(object: MediaObject, { expiresInMs }: { expiresInMs: number }): Promise<PresignedRequest> {
    const path = objectKey("", object);
    return { url: `${this.baseUrl}/media/download/${path}`, method: "GET", headers: {}, expiresAt: new Date(this.now() + expiresInMs) };
  }

  /**
   * Writes a PUT body to disk. Refuses (MediaError mismatch, nothing kept) a Content-Type other than
   * the requested one, a Content-Length other than the declared size, and a body that turns out
   * longer or shorter than declared: it stops reading at the first byte too many.
   */
  async receiveUpload(object: MediaObject, body: AsyncIterable<Uint8Array>, expected: ExpectedUpload): Promise<StoredObject> {
    if (expected.contentType === undefined || mimeEssence(expected.contentType) !== mimeEssence(expected.mimeType)) {
      throw new MediaError("mismatch", `the upload must be sent with Content-Type ${expected.mimeType}, not ${expected.contentType ?? "none"}`);
    }
    if (expected.contentLength !== undefined && expected.contentLength !== expected.sizeBytes) {
      throw new MediaError("mismatch", `the upload was requested for ${expected.sizeBytes} bytes but Content-Length is ${expected.contentLength}`);
    }
    const path = this.pathOf(object);
    await mkdir(join(path, ".."), { recursive: true });
    const partial = `${path}${PARTIAL}${randomUUID()}`;
    const out = createWriteStream(partial, { flags: "wx" });
    let received = 0;
    try {
      for await (const chunk of body) {
        received += chunk.byteLength;
        if (received > expected.sizeBytes) {
          throw new MediaError("mismatch", `the upload was requested for ${expected.sizeBytes} bytes but more arrived`);
        }
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      }
      out.end();
      await finished(out);
      if (received !== expected.sizeBytes) {
        throw new MediaError("mismatch", `the upload was requested for ${expected.sizeBytes} bytes but ${received} arrived`);
      }
      const created = new Date(this.now());
      const sidecar: Sidecar = {
        filename: expected.filename,
        mime_type: expected.mimeType,
        size_bytes: received,
        created_at: created.toISOString(),
        expires_at: expected.expiresAt.toISOString(),
      };
      await writeAtomically(`${path}${SIDECAR}`, JSON.stringify(sidecar));
      await rename(partial, path);
      return { sizeBytes: received, mimeType: expected.mimeType };
    } catch (err) {
      // Closed before removed: a file still being opened would otherwise appear after the rm.
      const closed = out.closed ? Promise.resolve() : new Promise<void>((resolve) => out.once("close", () => resolve()));
      out.destroy();
      await closed;
      await rm(partial, { force: true });
      throw err;
    }
  }

  /** The object's bytes as a stream with its metadata; null when absent or expired. */
  async openDownload(object: MediaObject): Promise<LocalDownload | null> {
    const found = await this.describe(object);
    if (!found) return null;
    const body = Readable.toWeb(createReadStream(this.pathOf(object))) as ReadableStream<Uint8Array>;
    return { sizeBytes: found.size_bytes, mimeType: found.mime_type, filename: found.filename, body };
  }

  async stat(object: MediaObject): Promise<StoredObject | null> {
    const found = await this.describe(object);
    return found ? { sizeBytes: found.size_bytes, mimeType: found.mime_type } : null;
  }

  async read(object: MediaObject): Promise<Uint8Array> {
    if (!(await this.describe(object))) throw new MediaError("not_found", `media ${object.mediaId} of session ${object.sessionId} does not exist`);
    return new Uint8Array(await readFile(this.pathOf(object)));
  }

  async delete(object: MediaObject): Promise<void> {
    const path = this.pathOf(object);
    await rm(path, { force: true });
    await rm(`${path}${SIDECAR}`, { force: true });
  }

  /**
   * Removes media past its expiry, and temp files of uploads that never finished once older than
   * `staleUploadMs`; returns how many media objects went. Session folders left empty go too.
   */
  async sweep({ staleUploadMs }: { staleUploadMs: number }): Promise<number> {
    let removed = 0;
    for (const session of await listDir(this.root)) {
      const dir = join(this.root, session);
      for (const name of await listDir(dir)) {
        const path = join(dir, name);
        if (name.includes(PARTIAL)) {
          const info = await stat(path).catch(() => null);
          if (info && this.now() - info.mtimeMs > staleUploadMs) await rm(path, { force: true });
        } else if (name.endsWith(SIDECAR)) {
          const sidecar = await readSidecar(path);
          if (sidecar === null || Date.parse(sidecar.expires_at) <= this.now()) {
            await rm(path.slice(0, -SIDECAR.length), { force: true });
            await rm(path, { force: true });
            removed++;
          }
        }
      }
      if ((await listDir(dir)).length === 0) await rm(dir, { recursive: true, force: true });
    }
    return removed;
  }

  /** Sweeps every `intervalMs` until the returned function is called; a failed sweep is reported and the next one runs. */
  sweepEvery(intervalMs: number, opts: { staleUploadMs: number; onError: (err: unknown) => void }): () => void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.sweep(opts)
        .catch(opts.onError)
        .finally(() => (running = false));
    }, intervalMs);
    // A sweep alone does not keep the process alive.
    timer.unref?.();
    return () => clearInterval(timer);
  }

  private async describe(object: MediaObject): Promise<Sidecar | null> {
    const path = this.pathOf(object);
    const sidecar = await readSidecar(`${path}${SIDECAR}`);
    if (sidecar === null || Date.parse(sidecar.expires_at) <= this.now()) return null;
    const bytes = await stat(path).catch(() => null);
    return bytes?.isFile() ? sidecar : null;
  }

  private pathOf(object: MediaObject): string {
    // objectKey refuses ids with separators or dots, so the path stays under the root.
    return join(this.root, objectKey("", object));
  }
}

async function readSidecar(path: string): Promise<Sidecar | null> {
  try {
    const parsed = v.safeParse(SidecarSchema, JSON.parse(await readFile(path, "utf8")));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}${PARTIAL}${randomUUID()}`;
  await writeFile(temp, text, { flag: "wx" });
  await rename(temp, path);
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
