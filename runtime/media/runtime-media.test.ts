// A whole runtime started from its files and OMNIA_MEDIA_* variables, driven over gRPC: a message
// whose ContentPart names an upload by storage_ref reaches the mock's `media` scenario with the
// upload's bytes, and the session's history keeps the reference only.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { Metadata } from "@grpc/grpc-js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientMessageSchema, type ServerMessage } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { createMediaStorage, type CreatedMediaStorage } from "../../shared/media/create-media-storage.js";
import { formatStorageRef, newMediaId, newUploadId } from "../../shared/media/media-ids.js";
import { createRuntimeStub, type RuntimeStub } from "../../shared/rpc/runtime-stub.js";
import { MemorySessionStore } from "../../shared/session/memory-session-store.js";
import { freePort } from "../../test/helpers/free-port.js";
import { startS3Server, type S3Server } from "../../test/helpers/media-servers/s3-server.js";
import { parseRuntimeConfig } from "../config.js";
import { startRuntime, type RunningRuntime } from "../start-runtime.js";

const PACK_JSON = JSON.stringify({
  id: "media-test",
  name: "Media test",
  version: "1.0.0",
  template_engine: { version: "v1", syntax: "{{variable}}" },
  prompts: { assistant: { id: "assistant", name: "Assistant", version: "1.0.0", system_template: "Be brief." } },
});

const MOCK_YAML = `
scenarios:
  media:
    defaultResponse: "I received {{media}}."
`;

let dir: string;
let s3: S3Server;
let runtime: RunningRuntime | undefined;
let client: RuntimeStub | undefined;
let store: MemorySessionStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "omnia-runtime-media-"));
  await Promise.all([writeFile(join(dir, "pack.json"), PACK_JSON), writeFile(join(dir, "tools.yaml"), "handlers: []\n"), writeFile(join(dir, "mock.yaml"), MOCK_YAML)]);
  s3 = await startS3Server();
}, 30_000);

afterAll(async () => {
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Starts the runtime with `mediaEnv`; the facade's side is the storage the same variables build. */
async function start(mediaEnv: Record<string, string>): Promise<CreatedMediaStorage | undefined> {
  const env = {
    OMNIA_AGENT_NAME: "assistant",
    OMNIA_GRPC_PORT: String(await freePort()),
    OMNIA_HEALTH_PORT: String(await freePort()),
    OMNIA_PROMPTPACK_PATH: dir,
    OMNIA_TOOLS_CONFIG_PATH: join(dir, "tools.yaml"),
    OMNIA_MOCK_CONFIG_PATH: join(dir, "mock.yaml"),
    ...mediaEnv,
  };
  const config = parseRuntimeConfig(env);
  store = new MemorySessionStore({ ttlMs: 60_000 });
  runtime = await startRuntime(config, pino({ level: "silent" }), { store });
  client = createRuntimeStub(runtime.grpcAddress);
  return createMediaStorage(config.media.storage);
}

async function stop(): Promise<void> {
  client?.close();
  await runtime?.stop(1_000);
  await store?.close();
  client = undefined;
  runtime = undefined;
}

/** Uploads as a browser does: the presigned PUT with exactly its method and headers (the local store: the facade's PUT route's write). */
async function upload({ storage, local }: CreatedMediaStorage, sessionId: string, bytes: Uint8Array<ArrayBuffer>, mimeType: string): Promise<string> {
  const object = { sessionId, mediaId: newMediaId() };
  if (local) {
    const body = (async function* () {
      yield bytes;
    })();
    await local.receiveUpload(object, body, { mimeType, sizeBytes: bytes.byteLength, filename: "a", expiresAt: new Date(Date.now() + 60_000), contentType: mimeType, contentLength: bytes.byteLength });
  } else {
    const put = await storage.presignUpload({ object, uploadId: newUploadId(), mimeType, sizeBytes: bytes.byteLength, expiresInMs: 60_000 });
    const res = await fetch(put.url, { method: put.method, headers: put.headers, body: bytes });
    expect(res.status).toBe(200);
  }
  return formatStorageRef(object);
}

async function converse(sessionId: string, storageRef: string): Promise<ServerMessage["message"]> {
  if (!client) throw new Error("the runtime is not started");
  const md = new Metadata();
  md.set("x-omnia-agent-name", "assistant");
  md.set("x-omnia-namespace", "default");
  md.set("x-omnia-session-id", sessionId);
  const call = client.converse(md);
  call.write(
    create(ClientMessageSchema, {
      sessionId,
      content: "what is this?",
      metadata: { mock_scenario: "media" },
      parts: [{ type: "image", media: { storageRef, mimeType: "image/png" } }],
    }),
  );
  for await (const server of call as AsyncIterable<ServerMessage>) {
    if (server.message.case === "done" || server.message.case === "error") {
      call.end();
      return server.message;
    }
  }
  throw new Error("the stream ended without done or error");
}

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...randomBytes(5000)]);
const sha256 = createHash("sha256").update(png).digest("hex");

describe.each([
  ["local", () => ({ OMNIA_MEDIA_STORAGE_TYPE: "local", OMNIA_MEDIA_STORAGE_PATH: join(dir, "media") })],
  [
    "s3",
    () => ({
      OMNIA_MEDIA_STORAGE_TYPE: "s3",
      OMNIA_MEDIA_S3_BUCKET: s3.bucket,
      OMNIA_MEDIA_S3_PREFIX: "agents/assistant",
      OMNIA_MEDIA_S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    }),
  ],
])("a runtime with OMNIA_MEDIA_STORAGE_TYPE=%s", (_type, mediaEnv) => {
  let storage: CreatedMediaStorage | undefined;
  beforeAll(async () => {
    storage = await start(mediaEnv());
  }, 30_000);
  afterAll(stop);

  it("answers the media scenario with the MIME type, size and SHA-256 of the uploaded bytes", async () => {
    if (!storage) throw new Error("no media storage was configured");
    const ref = await upload(storage, "g1", png, "image/png");
    expect(await converse("g1", ref)).toEqual({ case: "done", value: expect.objectContaining({ finalContent: `I received image/png, ${png.byteLength} bytes, sha256 ${sha256}.` }) });
    const { conversation } = await store.loadConversation({ id: "g1", agentName: "assistant", namespace: "default" });
    expect(conversation.messages[0]?.parts).toEqual([{ type: "image", media: { storageRef: ref, mimeType: "image/png" } }]);
  });

  it("ends the turn with UPLOAD_FAILED for another session's upload", async () => {
    if (!storage) throw new Error("no media storage was configured");
    const ref = await upload(storage, "g2-owner", png, "image/png");
    expect(await converse("g2", ref)).toEqual({ case: "error", value: expect.objectContaining({ code: "UPLOAD_FAILED", message: expect.stringContaining("another session") }) });
  });
});

describe("a runtime without media storage", () => {
  beforeAll(() => start({}), 30_000);
  afterAll(stop);

  it("ends a turn naming a storage_ref with MEDIA_NOT_ENABLED", async () => {
    const ref = formatStorageRef({ sessionId: "n1", mediaId: newMediaId() });
    expect(await converse("n1", ref)).toEqual({ case: "error", value: expect.objectContaining({ code: "MEDIA_NOT_ENABLED" }) });
  });
});
