// Media in local mode as `npm start` runs the examples: manifests that set no spec.media get the
// local backend under the state directory, for the facade and the runtime alike. For the agent with
// auth (`secured`, behind the demo keys of its Secret) the caller proves who it is as on the
// socket, media belongs to the identity whose session it is, and another identity gets 404 and
// learns nothing; the open agent beside it needs no key.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../deploy/local/child-process.js";
import { startLocalStack, type LocalStack } from "../../deploy/local/local-stack.js";
import { MediaSocket, mediaMessage, putUpload, sha256, testPng, uploadReadyOf } from "./media-stack.js";

const dir = mkdtempSync(join(tmpdir(), "omnia-media-local-mode-"));
let stack: LocalStack;
let facade: string;
const png = testPng(8);
const alice = { authorization: "Bearer omnia-demo-alice" };
const bob = { authorization: "Bearer omnia-demo-bob" };

function requestUpload(query: string, sessionId: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${facade}/media/request-upload${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ session_id: sessionId, filename: "dot.png", mime_type: "image/png", size_bytes: png.byteLength }),
  });
}

beforeAll(async () => {
  stack = await startLocalStack({ manifestsDir: join(REPO_ROOT, "deploy/examples"), port: 0, stateDir: dir, defaultMedia: true });
  facade = stack.url.replace(/\/$/, "");
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("media of an agent with auth", () => {
  it("asks for credentials, and keeps an identity's media from another identity", async () => {
    const secured = "?agent=secured";
    expect((await requestUpload(secured, "alice-session")).status).toBe(401);
    const ticketRes = await requestUpload(secured, "alice-session", alice);
    expect(ticketRes.status).toBe(200);
    const ticket = (await ticketRes.json()) as { url: string; method: string; headers: Record<string, string>; storage_ref: string; upload_id: string };
    // The PUT needs no credential: the upload id is the capability.
    expect((await putUpload(facade, ticket, png)).status).toBe(204);
    const mediaId = ticket.storage_ref.split("/").pop() ?? "";

    expect((await fetch(`${facade}/media/info/alice-session/${mediaId}${secured}`, { headers: alice })).status).toBe(200);
    const download = await fetch(`${facade}/media/download/alice-session/${mediaId}${secured}`, { headers: alice });
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(png);
    for (const path of [`/media/info/alice-session/${mediaId}`, `/media/download/alice-session/${mediaId}`]) {
      const refused = await fetch(`${facade}${path}${secured}`, { headers: bob });
      expect(refused.status).toBe(404);
      expect(await refused.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    }
    expect((await fetch(`${facade}/media/info/alice-session/${mediaId}${secured}`)).status).toBe(401);
    expect((await requestUpload(secured, "alice-session", bob)).status).toBe(404);
    const confirm = await fetch(`${facade}/media/confirm-upload/${ticket.upload_id}${secured}`, { method: "POST", headers: bob, body: JSON.stringify({ session_id: "alice-session" }) });
    expect(confirm.status).toBe(404);
  });

  it("makes a socket's session its identity's when it uploads, over the socket too", async () => {
    const socket = await MediaSocket.open(facade, { headers: alice, query: "?agent=secured" });
    const sessionId = String((await socket.next("connected")).session_id);
    socket.send({ type: "upload_request", session_id: sessionId, upload_request: { filename: "dot.png", mime_type: "image/png", size_bytes: png.byteLength } });
    const ready = uploadReadyOf(await socket.next("upload_ready"));
    expect((await putUpload(facade, ready, png)).status).toBe(204);
    await socket.next("upload_complete");
    const mediaId = ready.storage_ref.split("/").pop() ?? "";
    expect((await fetch(`${facade}/media/info/${sessionId}/${mediaId}?agent=secured`, { headers: alice })).status).toBe(200);
    expect((await fetch(`${facade}/media/info/${sessionId}/${mediaId}?agent=secured`, { headers: bob })).status).toBe(404);
    socket.close();
  });

  it("lets anyone use the open agent's media, once the agent is named", async () => {
    expect((await requestUpload("?agent=assistant", "open-session")).status).toBe(200);
    const unnamed = await requestUpload("", "open-session");
    expect(unnamed.status).toBe(400);
    expect(await unnamed.text()).toContain('query parameter \\"agent\\" is required');
  });
});

describe("media in local mode", () => {
  it("uploads to the state directory, and the runtime reads the same bytes", async () => {
    const socket = await MediaSocket.open(facade, { query: "?agent=assistant" });
    const sessionId = String((await socket.next("connected")).session_id);
    socket.send({ type: "upload_request", session_id: sessionId, upload_request: { filename: "dot.png", mime_type: "image/png", size_bytes: png.byteLength } });
    const ready = uploadReadyOf(await socket.next("upload_ready"));
    expect((await putUpload(facade, ready, png)).status).toBe(204);
    expect(readdirSync(join(dir, "media", sessionId))).toHaveLength(2);
    socket.send(mediaMessage(sessionId, [{ storage_ref: ready.storage_ref, mime_type: "image/png" }]));
    expect((await socket.outcome()).content).toContain(sha256(png));
    socket.close();
  });
});
