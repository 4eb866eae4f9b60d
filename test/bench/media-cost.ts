// The media phase of `npm run bench`: presigned upload URLs per second for each backend, signed in
// this process with no network (local: the facade's route; s3: SigV4 with static keys; gcs: V4
// with an RSA key made here; azure: SAS with Azurite's well-known dev key), and the local backend's
// upload throughput through a real Node facade's `PUT /media/upload/{id}` against writing the same
// bytes to the same disk directly, in the same run.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOmniaProcess, waitForHttpOk } from "../../deploy/local/child-process.js";
import { AzureMediaStorage } from "../../shared/media/azure-media-storage.js";
import { GcsMediaStorage } from "../../shared/media/gcs-media-storage.js";
import { LocalMediaStorage } from "../../shared/media/local-media-storage.js";
import type { MediaStorage } from "../../shared/media/media-storage.js";
import { S3MediaStorage } from "../../shared/media/s3-media-storage.js";
import { freePort } from "../helpers/free-port.js";
import type { Cleanup } from "./cleanup.js";
import type { BenchSection } from "./section.js";

export interface MediaCostResult {
  /** Presigned upload URLs per second, by backend. */
  presignPerSecond: Record<"local" | "s3" | "gcs" | "azure", number>;
  uploadBytes: number;
  uploads: number;
  /** MB/s (10^6 bytes) through the facade's PUT route, and writing the same bytes directly. */
  facadeMBps: number;
  directMBps: number;
}

// Azurite's documented development account key (public, for emulators only).
const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export async function runMediaCost(opts: { presignSeconds: number; uploadMiB: number; uploads: number; cleanup: Cleanup }): Promise<MediaCostResult> {
  const dir = opts.cleanup.dir(mkdtempSync(join(tmpdir(), "omnia-bench-media-")));
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const backends: Record<keyof MediaCostResult["presignPerSecond"], MediaStorage> = {
    local: new LocalMediaStorage({ root: join(dir, "presign"), baseUrl: "" }),
    s3: new S3MediaStorage({ bucket: "media", region: "us-east-1", prefix: "bench", endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "bench", secretAccessKey: "bench-secret" } }),
    gcs: new GcsMediaStorage({ bucket: "media", prefix: "bench", credentials: { client_email: "bench@bench.iam.gserviceaccount.com", private_key: privateKey }, projectId: "bench" }),
    azure: new AzureMediaStorage({ account: "devstoreaccount1", container: "media", prefix: "bench", key: AZURITE_KEY, endpoint: "http://127.0.0.1:9/devstoreaccount1" }),
  };
  const presignPerSecond = { local: 0, s3: 0, gcs: 0, azure: 0 };
  for (const [name, storage] of Object.entries(backends) as Array<[keyof typeof presignPerSecond, MediaStorage]>) {
    presignPerSecond[name] = await presignRate(storage, opts.presignSeconds);
  }
  const { facadeMBps, directMBps, bytes } = await uploadThroughput(dir, opts);
  return { presignPerSecond, uploadBytes: bytes, uploads: opts.uploads, facadeMBps, directMBps };
}

async function presignRate(storage: MediaStorage, seconds: number): Promise<number> {
  const run = async (ms: number) => {
    const end = performance.now() + ms;
    let count = 0;
    while (performance.now() < end) {
      await storage.presignUpload({ object: { sessionId: "bench-session", mediaId: `m${count}` }, uploadId: `u${count}`, mimeType: "image/png", sizeBytes: 123_456, expiresInMs: 15 * 60_000 });
      count++;
    }
    return count;
  };
  await run(200); // warm-up: JIT, the SDKs' lazy set-up
  const start = performance.now();
  const count = await run(seconds * 1000);
  return count / ((performance.now() - start) / 1000);
}

async function uploadThroughput(dir: string, opts: { uploadMiB: number; uploads: number; cleanup: Cleanup }): Promise<{ facadeMBps: number; directMBps: number; bytes: number }> {
  const bytes = opts.uploadMiB * 1024 * 1024;
  const body = randomBytes(bytes);
  const port = await freePort();
  // The PUT route needs no runtime: the facade's agent points nowhere.
  const facade = opts.cleanup.process(
    startOmniaProcess({
      name: "bench-media-facade",
      entry: "facade/node/main.ts",
      logDir: join(dir, "logs"),
      env: {
        OMNIA_AGENT_NAME: "bench",
        OMNIA_RUNTIME_ADDRESS: "127.0.0.1:9",
        OMNIA_FACADE_PORT: String(port),
        OMNIA_MEDIA_STORAGE_TYPE: "local",
        OMNIA_MEDIA_STORAGE_PATH: join(dir, "facade"),
        OMNIA_MEDIA_MAX_FILE_SIZE: String(bytes),
        OMNIA_MEDIA_ALLOWED_TYPES: "application/octet-stream",
        LOG_LEVEL: "warn",
      },
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttpOk(`${url}/healthz`, 30_000, facade.exited);
  let facadeMs = 0;
  let directMs = 0;
  // Interleaved, so both see the same disk state (page cache, writeback) over the run.
  for (let i = 0; i <= opts.uploads; i++) {
    const res = await fetch(`${url}/media/request-upload`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ session_id: "bench", filename: `blob-${i}.bin`, mime_type: "application/octet-stream", size_bytes: bytes }),
    });
    if (!res.ok) throw new Error(`request-upload answered ${res.status}: ${await res.text()}`);
    const ticket = (await res.json()) as { url: string; method: string; headers: Record<string, string> };
    let start = performance.now();
    const put = await fetch(new URL(ticket.url, url), { method: ticket.method, headers: ticket.headers, body });
    if (put.status !== 204) throw new Error(`the upload answered ${put.status}: ${await put.text()}`);
    const tookFacade = performance.now() - start;
    start = performance.now();
    await writeFile(join(dir, `direct-${i}.bin`), body);
    const tookDirect = performance.now() - start;
    // The first round warms both paths up and is not counted.
    if (i > 0) {
      facadeMs += tookFacade;
      directMs += tookDirect;
    }
  }
  await facade.stop();
  const mb = (bytes * opts.uploads) / 1e6;
  return { facadeMBps: mb / (facadeMs / 1000), directMBps: mb / (directMs / 1000), bytes };
}

export function mediaCostSection(r: MediaCostResult | undefined, opts: { uploadMiB: number; uploads: number }): BenchSection {
  const p = r?.presignPerSecond;
  return {
    name: "media",
    about: `media: presigned upload URLs/s per backend, signed in-process (no network); local-backend upload of ${opts.uploads} x ${opts.uploadMiB} MiB through the Node facade's PUT route; baseline = writing the same bytes to the same disk directly`,
    rows: [
      { label: "media: presign/s, local (facade route)", value: p?.local, digits: 0 },
      { label: "media: presign/s, s3 (SigV4)", value: p?.s3, digits: 0 },
      { label: "media: presign/s, gcs (V4, RSA)", value: p?.gcs, digits: 0 },
      { label: "media: presign/s, azure (SAS, account key)", value: p?.azure, digits: 0 },
      { label: "media: local upload through the facade (MB/s)", value: r?.facadeMBps, baseline: r?.directMBps, digits: 0 },
    ],
    figures: {
      presign_local_per_s: p?.local ?? null,
      presign_s3_per_s: p?.s3 ?? null,
      presign_gcs_per_s: p?.gcs ?? null,
      presign_azure_per_s: p?.azure ?? null,
      upload_facade_mb_per_s: r?.facadeMBps ?? null,
      upload_direct_mb_per_s: r?.directMBps ?? null,
      upload_ratio_vs_direct: r && r.directMBps > 0 ? r.facadeMBps / r.directMBps : null,
    },
    notes: [],
  };
}
