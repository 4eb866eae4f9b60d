// Media through the engine against real stores: bytes uploaded to a local disk store and to an S3
// server that checks signatures, a turn whose part names them by storage_ref, and the mock's
// `media` scenario answering the MIME type, size and SHA-256 of what reached the model.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PackContent, PackPrompt } from "../../shared/manifests/pack-content.js";
import { LocalMediaStorage } from "../../shared/media/local-media-storage.js";
import { formatStorageRef, newMediaId, type MediaObject } from "../../shared/media/media-ids.js";
import type { MediaStorage } from "../../shared/media/media-storage.js";
import { S3MediaStorage } from "../../shared/media/s3-media-storage.js";
import { MemorySessionStore } from "../../shared/session/memory-session-store.js";
import { startS3Server, type S3Server } from "../../test/helpers/media-servers/s3-server.js";
import { ModelMedia } from "../media/model-media.js";
import type { LanguageModel, ModelEvent, ModelRequest } from "../providers/language-model.js";
import { MockLanguageModel } from "../providers/mock/mock-language-model.js";
import { parseMockScript } from "../providers/mock/mock-script.js";
import { ToolManager } from "../tools/tool-manager.js";
import { ConversationEngine } from "./conversation-engine.js";
import type { TurnEvent, TurnInput } from "./turn-events.js";

const SCRIPT = parseMockScript(`
scenarios:
  media:
    defaultResponse: "I received {{media}}."
`);

const PROMPT: PackPrompt = { id: "assistant", name: "Assistant", version: "1.0.0", system_template: "Be brief." };
const PACK: PackContent = { id: "p", name: "P", version: "1.0.0", template_engine: { version: "v1", syntax: "{{variable}}" }, prompts: { assistant: PROMPT } };

/** Without `storage`, the engine as a runtime without OMNIA_MEDIA_STORAGE_TYPE builds it. */
function makeEngine(store: MemorySessionStore, model: LanguageModel, storage: MediaStorage | undefined): ConversationEngine {
  return new ConversationEngine({
    store,
    model,
    prompt: PROMPT,
    tools: new ToolManager({ prompt: PROMPT, pack: PACK, handlers: [], adapters: {} }),
    agent: { name: "assistant", namespace: "default" },
    pricing: { inputCostPer1K: 0, outputCostPer1K: 0 },
    clientToolTimeoutMs: 1_000,
    logger: pino({ level: "silent" }),
    ...(storage ? { media: new ModelMedia({ storage, downloadUrlTtlMs: 60_000 }) } : {}),
  });
}

/** The mock, seen through what each call was sent; `acceptsMediaUrls` as a provider module would declare it. */
class RecordingModel implements LanguageModel {
  readonly provider = "mock";
  readonly model = "mock-model";
  readonly requests: ModelRequest[] = [];
  private readonly inner = new MockLanguageModel({ model: "mock-model", script: SCRIPT });

  constructor(readonly acceptsMediaUrls = false) {}

  stream(request: ModelRequest): AsyncIterable<ModelEvent> {
    this.requests.push({ ...request, messages: structuredClone(request.messages) });
    return this.inner.stream(request);
  }
}

interface Backend {
  name: string;
  storage: MediaStorage;
  /** Puts bytes in the store the way a client does (the facade's PUT route, or the presigned PUT). */
  upload(object: MediaObject, bytes: Uint8Array<ArrayBuffer>, mimeType: string): Promise<void>;
  stop(): Promise<void>;
}

async function localBackend(): Promise<Backend> {
  const root = await mkdtemp(join(tmpdir(), "omnia-engine-media-"));
  const storage = new LocalMediaStorage({ root, baseUrl: "" });
  return {
    name: "local",
    storage,
    async upload(object, bytes, mimeType) {
      const body = (async function* () {
        yield bytes;
      })();
      const expected = { mimeType, sizeBytes: bytes.byteLength, filename: "photo.png", expiresAt: new Date(Date.now() + 60_000), contentType: mimeType, contentLength: bytes.byteLength };
      await storage.receiveUpload(object, body, expected);
    },
    stop: () => rm(root, { recursive: true, force: true }),
  };
}

async function s3Backend(): Promise<Backend> {
  const server: S3Server = await startS3Server();
  const storage = new S3MediaStorage({ bucket: server.bucket, region: server.region, prefix: "omnia", endpoint: server.endpoint, credentials: server.credentials });
  return {
    name: "s3",
    storage,
    async upload(object, bytes, mimeType) {
      const put = await storage.presignUpload({ object, uploadId: "u", mimeType, sizeBytes: bytes.byteLength, expiresInMs: 60_000 });
      const res = await fetch(put.url, { method: put.method, headers: put.headers, body: bytes });
      if (!res.ok) throw new Error(`presigned PUT answered ${res.status}: ${await res.text()}`);
    },
    stop: () => server.stop(),
  };
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const last = (events: TurnEvent[]) => events.at(-1);

async function runTurn(engine: ConversationEngine, input: TurnInput): Promise<TurnEvent[]> {
  const events: TurnEvent[] = [];
  for await (const event of engine.startTurn(input)) events.push(event);
  return events;
}

describe.each([
  ["local", localBackend],
  ["s3", s3Backend],
])("media parts through the engine (%s store)", (_name, makeBackend) => {
  let backend: Backend;
  let store: MemorySessionStore;
  let model: RecordingModel;
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...randomBytes(3000)]);

  beforeAll(async () => {
    backend = await makeBackend();
  }, 30_000);

  afterAll(async () => {
    await backend?.stop();
  });

  beforeEach(() => {
    store = new MemorySessionStore({ ttlMs: 60_000 });
    model = new RecordingModel();
  });

  const engineWith = (m: LanguageModel, withStorage = true) => makeEngine(store, m, withStorage ? backend.storage : undefined);

  async function uploaded(sessionId: string, bytes: Uint8Array<ArrayBuffer> = png, mimeType = "image/png"): Promise<string> {
    const object = { sessionId, mediaId: newMediaId() };
    await backend.upload(object, bytes, mimeType);
    return formatStorageRef(object);
  }

  const imageTurn = (sessionId: string, storageRef: string, content = "what is this?"): TurnInput => ({
    sessionId,
    content,
    parts: [{ type: "image", media: { storageRef, mimeType: "image/png" } }],
    metadata: { mock_scenario: "media" },
  });

  it("hands the model the stored bytes, which arrive intact", async () => {
    const ref = await uploaded("m1");
    const events = await runTurn(engineWith(model), imageTurn("m1", ref));
    expect(last(events)).toMatchObject({ type: "done", finalContent: `I received image/png, ${png.byteLength} bytes, sha256 ${sha256(png)}.` });
  });

  it("keeps only the reference in the history and reads the media again on a later turn", async () => {
    const ref = await uploaded("m2");
    const engine = engineWith(model);
    // Bytes or a URL sent along with a reference are not kept, and the store's bytes are what the model gets.
    const withBytes = imageTurn("m2", ref);
    withBytes.parts = [{ type: "image", media: { storageRef: ref, mimeType: "image/png", data: "Zm9vYmFy", url: "https://example.com/x.png" } }];
    expect(last(await runTurn(engine, withBytes))).toMatchObject({ type: "done", finalContent: expect.stringContaining(sha256(png)) });
    const later = await runTurn(engine, { sessionId: "m2", content: "and now?", metadata: { mock_scenario: "media" } });
    expect(last(later)).toMatchObject({ type: "done", finalContent: "I received no media." });

    const { conversation } = await store.loadConversation({ id: "m2", agentName: "assistant", namespace: "default" });
    expect(conversation.messages[0]?.parts).toEqual([{ type: "image", media: { storageRef: ref, mimeType: "image/png" } }]);
    expect(JSON.stringify(conversation.messages)).not.toContain(Buffer.from(png).toString("base64").slice(0, 40));

    const [, second] = model.requests;
    const firstUser = second?.messages[0];
    const data = firstUser?.role === "user" ? firstUser.parts?.[0]?.media?.data : undefined;
    expect(sha256(Buffer.from(data ?? "", "base64"))).toBe(sha256(png));
  });

  it("refuses a storage_ref of another session with UPLOAD_FAILED, before the model is called, and saves nothing", async () => {
    const ref = await uploaded("owner");
    const events = await runTurn(engineWith(model), imageTurn("intruder", ref));
    expect(events).toEqual([{ type: "error", code: "UPLOAD_FAILED", message: expect.stringContaining("belongs to another session") }]);
    expect(model.requests).toEqual([]);
    expect(await store.getSession("intruder")).toBeNull();
  });

  it("refuses media that was never uploaded with UPLOAD_FAILED", async () => {
    const ref = formatStorageRef({ sessionId: "m3", mediaId: newMediaId() });
    const events = await runTurn(engineWith(model), imageTurn("m3", ref));
    expect(events).toEqual([{ type: "error", code: "UPLOAD_FAILED", message: `${ref} not found (never uploaded, or expired)` }]);
    expect(await store.getSession("m3")).toMatchObject({ turnCount: 0 });
  });

  it("refuses a storage_ref with MEDIA_NOT_ENABLED when the agent has no media storage, and a malformed one as INVALID_MESSAGE", async () => {
    const ref = await uploaded("m4");
    expect(await runTurn(engineWith(model, false), imageTurn("m4", ref))).toEqual([
      { type: "error", code: "MEDIA_NOT_ENABLED", message: expect.stringContaining("no media storage") },
    ]);
    expect(await runTurn(engineWith(model), imageTurn("m4", "omnia://sessions/m4/media/../../etc"))).toEqual([
      { type: "error", code: "INVALID_MESSAGE", message: expect.stringContaining("is not a storage reference") },
    ]);
  });

  it("tells the model when media of an earlier turn is gone, and the session goes on", async () => {
    const ref = await uploaded("m5");
    const engine = engineWith(model);
    await runTurn(engine, imageTurn("m5", ref));
    const object = { sessionId: "m5", mediaId: ref.split("/").at(-1) ?? "" };
    await backend.storage.delete(object);
    const later = await runTurn(engine, { sessionId: "m5", content: "still there?" });
    expect(last(later)).toMatchObject({ type: "done" });
    const firstUser = model.requests[1]?.messages[0];
    expect(firstUser?.role === "user" ? firstUser.parts : undefined).toEqual([{ type: "text", text: `[image/png attachment ${ref} is no longer available]` }]);
  });
});

describe("media by URL for a provider that fetches it", () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await s3Backend();
  }, 30_000);
  afterAll(async () => {
    await backend?.stop();
  });

  it("sends a presigned GET instead of bytes, and the bytes it serves are the upload's", async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000 });
    const model = new RecordingModel(true);
    const engine = makeEngine(store, model, backend.storage);
    const pdf = new TextEncoder().encode("%PDF-1.4 a small document");
    const object = { sessionId: "u1", mediaId: newMediaId() };
    await backend.upload(object, pdf, "application/pdf");
    const ref = formatStorageRef(object);

    const events = await runTurn(engine, { sessionId: "u1", content: "read it", parts: [{ type: "file", media: { storageRef: ref } }], metadata: { mock_scenario: "media" } });
    expect(last(events)).toMatchObject({ type: "done", finalContent: `I received application/pdf, ${pdf.byteLength} bytes, sha256 ${sha256(pdf)}.` });

    const user = model.requests[0]?.messages[0];
    const media = user?.role === "user" ? user.parts?.[0]?.media : undefined;
    expect(media).toMatchObject({ mimeType: "application/pdf", storageRef: ref, url: expect.stringContaining("X-Amz-Signature=") });
    expect(media?.data).toBeUndefined();
    const { conversation } = await store.loadConversation({ id: "u1", agentName: "assistant", namespace: "default" });
    expect(conversation.messages[0]?.parts).toEqual([{ type: "file", media: { storageRef: ref } }]);
    await store.close();
  });
});
