// The `media` scenario of the shipped examples answers what the model received: type, size and
// SHA-256 of each media part, so an end-to-end test can prove the bytes arrived intact.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { LocalMediaStorage } from "../../../shared/media/local-media-storage.js";
import { resolveMedia } from "../../../shared/media/resolve-media.js";
import type { ModelEvent, ModelMessage } from "../language-model.js";
import { MockLanguageModel } from "./mock-language-model.js";
import { parseMockScript, type MockScript } from "./mock-script.js";

let script: MockScript;
let root: string;
let storage: LocalMediaStorage;
beforeAll(async () => {
  const configMap = parse(await readFile(new URL("../../../deploy/examples/mock-scenarios.yaml", import.meta.url), "utf8")) as { data: Record<string, string> };
  script = parseMockScript(configMap.data["scenarios.yaml"] ?? "", "mock-scenarios.yaml");
  root = await mkdtemp(join(tmpdir(), "omnia-mock-media-"));
  storage = new LocalMediaStorage({ root, baseUrl: "" });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
async function answer(model: MockLanguageModel, messages: ModelMessage[]): Promise<string> {
  const events: ModelEvent[] = [];
  for await (const event of model.stream({ system: "", messages, tools: [], metadata: { mock_scenario: "media" }, turnIndex: 0, signal: new AbortController().signal })) events.push(event);
  return events.flatMap((e) => (e.type === "text-delta" ? [e.text] : [])).join("");
}

describe("mock scenario media", () => {
  it("answers the type, size and SHA-256 of each media part, from base64 data or a resolved storage_ref", async () => {
    const image = randomBytes(3_000);
    const pdf = randomBytes(5_000);
    const object = { sessionId: "session-1", mediaId: "media-1" };
    await storage.receiveUpload(
      object,
      (async function* () {
        yield pdf;
      })(),
      { mimeType: "application/pdf", sizeBytes: pdf.length, filename: "doc.pdf", expiresAt: new Date(Date.now() + 60_000), contentType: "application/pdf", contentLength: pdf.length },
    );
    const model = new MockLanguageModel({
      model: "mock-model",
      script,
      resolveMedia: async (ref) => (await resolveMedia(storage, ref)).data ?? new Uint8Array(),
    });
    const text = await answer(model, [
      {
        role: "user",
        content: "What did I send?",
        parts: [
          { type: "text", text: "What did I send?" },
          { type: "image", media: { mimeType: "image/png", data: image.toString("base64") } },
          { type: "file", media: { mimeType: "application/pdf", storageRef: "omnia://sessions/session-1/media/media-1" } },
          { type: "file", media: { mimeType: "text/plain", url: "data:text/plain;base64,aGVsbG8=" } },
        ],
      },
    ]);
    expect(text).toBe(
      `I received image/png, 3000 bytes, sha256 ${hex(image)}; application/pdf, 5000 bytes, sha256 ${hex(pdf)}; text/plain, 5 bytes, sha256 ${hex(Buffer.from("hello"))}.`,
    );
  });

  it("fetches a part given as a URL (a presigned GET), and says so when the GET fails", async () => {
    const audio = randomBytes(777);
    const server = createServer((req, res) => {
      if (req.url === "/ok") res.end(audio);
      else res.writeHead(403).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const model = new MockLanguageModel({ model: "mock-model", script });
      const part = (path: string): ModelMessage => ({ role: "user", content: "", parts: [{ type: "audio", media: { mimeType: "audio/ogg", url: `http://127.0.0.1:${port}${path}` } }] });
      expect(await answer(model, [part("/ok")])).toBe(`I received audio/ogg, 777 bytes, sha256 ${hex(audio)}.`);
      expect(await answer(model, [part("/expired")])).toBe(`I received audio/ogg, bytes unavailable (GET http://127.0.0.1:${port} answered 403).`);
    } finally {
      server.close();
    }
  });

  it("says so when the message has no media, or a part's bytes cannot be had", async () => {
    const model = new MockLanguageModel({ model: "mock-model", script });
    expect(await answer(model, [{ role: "user", content: "hi" }])).toBe("I received no media.");
    const unresolved: ModelMessage = { role: "user", content: "", parts: [{ type: "image", media: { mimeType: "image/png", storageRef: "omnia://sessions/s/media/m" } }] };
    expect(await answer(model, [unresolved])).toBe("I received image/png, bytes unavailable (the part carries no data).");
  });
});
