// The media flow at the edge: the facade as a Worker in real workerd (Miniflare, wrangler.toml)
// presigning for S3 (s3rver, checking SigV4), Azure (Azurite, checking SAS) and GCS (V4 URLs checked
// by the verifier the Node adapter's tests use), pending uploads in Redis through Upstash REST, the
// runtime a real process with the same OMNIA_MEDIA_*. An upload issued at the edge is confirmed by
// a Node facade on the same Redis; a store a Worker cannot use is refused with the reason.
import { generateKeyPairSync } from "node:crypto";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEdgeFacade, type EdgeFacadeServer } from "../../deploy/edge/edge-facade-server.js";
import { startAzurite, type AzuriteServer } from "../helpers/media-servers/azurite.js";
import { verifyGcsV4Request } from "../helpers/media-servers/gcs-v4-verifier.js";
import { startS3Server, type S3Server } from "../helpers/media-servers/s3-server.js";
import { startRedis, type RedisServer } from "../helpers/redis-server.js";
import { startUpstashRestBridge, type UpstashRestBridge } from "../helpers/upstash-rest-bridge.js";
import { MediaSocket, mediaMessage, putUpload, s3MediaEnv, sha256, startMediaStack, testPng, uploadReadyOf, type MediaStack, type UploadReady } from "./media-stack.js";

let s3: S3Server;
let redis: RedisServer;
let bridge: UpstashRestBridge;
let stack: MediaStack;
let edge: EdgeFacadeServer;
let edgeUrl: string;
let pod: string;
const png = testPng();

function edgeVars(extra: Record<string, string>, runtimes = stack.runtimes): Record<string, string> {
  const runtime = runtimes.runtime("default/assistant");
  return {
    OMNIA_AGENT_NAME: "assistant",
    OMNIA_NAMESPACE: "default",
    OMNIA_RUNTIME_URL: `http://127.0.0.1:${runtime.grpcWebPort}`,
    OMNIA_BRIDGE_TOKEN: runtimes.bridgeToken,
    UPSTASH_REDIS_REST_URL: bridge.url,
    UPSTASH_REDIS_REST_TOKEN: bridge.token,
    ...extra,
  };
}

type Ticket = { upload_id: string; url: string; method: string; headers: Record<string, string>; storage_ref: string };

/** POST /media/request-upload for the test PNG. */
function requestUpload(facadeUrl: string, sessionId: string): Promise<Response> {
  return fetch(`${facadeUrl}/media/request-upload`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ session_id: sessionId, filename: "photo.png", mime_type: "image/png", size_bytes: png.byteLength }),
  });
}

/** A socket on `facadeUrl` whose upload_request for the test PNG got its upload_ready. */
async function socketUpload(facadeUrl: string): Promise<{ socket: MediaSocket; sessionId: string; ready: UploadReady }> {
  const socket = await MediaSocket.open(facadeUrl);
  const sessionId = String((await socket.next("connected")).session_id);
  socket.send({ type: "upload_request", session_id: sessionId, upload_request: { filename: "photo.png", mime_type: "image/png", size_bytes: png.byteLength } });
  return { socket, sessionId, ready: uploadReadyOf(await socket.next("upload_ready")) };
}

/** Sends a message naming the uploaded PNG: upload_complete comes, and the mock answers the bytes' SHA-256. */
async function sendsAndHearsItsSha256(socket: MediaSocket, sessionId: string, ready: UploadReady): Promise<void> {
  socket.send(mediaMessage(sessionId, [{ storage_ref: ready.storage_ref, mime_type: "image/png" }]));
  expect((await socket.next("upload_complete")).upload_complete).toMatchObject({ upload_id: ready.upload_id, size_bytes: png.byteLength });
  expect((await socket.outcome()).content).toContain(`image/png, ${png.byteLength} bytes, sha256 ${sha256(png)}`);
  expect(socket.invalid).toEqual([]);
  socket.close();
}

beforeAll(async () => {
  [s3, redis] = await Promise.all([startS3Server(), startRedis()]);
  bridge = await startUpstashRestBridge({ redisUrl: redis.url });
  const mediaEnv = s3MediaEnv(s3, "edge");
  stack = await startMediaStack(mediaEnv, { redisUrl: redis.url });
  pod = (await stack.facade()).url;
  edge = await startEdgeFacade({ port: 0, vars: edgeVars(mediaEnv) });
  edgeUrl = edge.url.replace(/\/$/, "");
}, 120_000);

afterAll(async () => {
  await edge?.stop();
  await stack?.stop();
  await bridge?.close();
  await Promise.all([s3?.stop(), redis?.stop()]);
});

describe("media at the edge (workerd)", () => {
  it("presigns for S3 over the socket; the message naming the upload completes it and the mock answers its SHA-256", async () => {
    const { socket, sessionId, ready } = await socketUpload(edgeUrl);
    expect(ready.upload_url.startsWith(`${s3.endpoint}/${s3.bucket}/edge/${sessionId}/`)).toBe(true);
    expect((await putUpload(edgeUrl, ready, png)).status).toBe(200);

    await sendsAndHearsItsSha256(socket, sessionId, ready);
  });

  it("confirms over HTTP at the edge an upload asked for on a socket, whose object then sends upload_complete, asleep or awake", async () => {
    const { socket, sessionId, ready } = await socketUpload(edgeUrl);
    const confirm = async (upload: UploadReady) => {
      expect((await putUpload(edgeUrl, upload, png)).status).toBe(200);
      const confirmed = await fetch(`${edgeUrl}/media/confirm-upload/${upload.upload_id}`, { method: "POST" });
      expect(confirmed.status, await confirmed.clone().text()).toBe(200);
      expect((await socket.next("upload_complete")).upload_complete).toMatchObject({ upload_id: upload.upload_id, storage_ref: upload.storage_ref, size_bytes: png.byteLength });
    };
    await confirm(ready);

    // A big file takes long enough to send that Cloudflare evicts the idle object, its socket hibernated.
    socket.send({ type: "upload_request", session_id: sessionId, upload_request: { filename: "later.png", mime_type: "image/png", size_bytes: png.byteLength } });
    const later = uploadReadyOf(await socket.next("upload_ready"));
    await edge.hibernate(sessionId);
    await confirm(later);

    // The client heard of it once: the message naming it goes straight to the mock.
    socket.send(mediaMessage(sessionId, [{ storage_ref: later.storage_ref, mime_type: "image/png" }]));
    const outcome = await socket.outcome();
    expect(outcome.content).toContain(`image/png, ${png.byteLength} bytes, sha256 ${sha256(png)}`);
    expect(socket.frames.filter((f) => f.type === "upload_complete")).toHaveLength(2);
    expect(socket.invalid).toEqual([]);
    socket.close();
  });

  it("issues an upload over HTTP that a pod confirms, and serves its info and a download redirect", async () => {
    const sessionId = `edge-http-${Date.now()}`;
    const res = await requestUpload(edgeUrl, sessionId);
    expect(res.status).toBe(200);
    const ticket = (await res.json()) as Ticket;
    expect((await fetch(`${edgeUrl}/media/request-upload`, { method: "POST", body: JSON.stringify({ session_id: sessionId, filename: "x", mime_type: "image/png", size_bytes: 200 * 1024 * 1024 }) })).status).toBe(413);
    expect((await putUpload(edgeUrl, ticket, png)).status).toBe(200);

    expect((await fetch(`${pod}/media/confirm-upload/${ticket.upload_id}`, { method: "POST" })).status).toBe(200);
    expect((await fetch(`${edgeUrl}/media/confirm-upload/${ticket.upload_id}`, { method: "POST" })).status).toBe(409);
    const mediaId = ticket.storage_ref.split("/").pop() ?? "";
    expect(await (await fetch(`${edgeUrl}/media/info/${sessionId}/${mediaId}`)).json()).toMatchObject({ storage_ref: ticket.storage_ref, size_bytes: png.byteLength });
    expect((await fetch(`${edgeUrl}/media/info/another-session/${mediaId}`)).status).toBe(404);
    const redirect = await fetch(`${edgeUrl}/media/download/${sessionId}/${mediaId}`, { redirect: "manual" });
    expect(redirect.status).toBe(307);
    expect(new Uint8Array(await (await fetch(redirect.headers.get("location") ?? "")).arrayBuffer())).toEqual(png);
  });

  it("answers MEDIA_NOT_ENABLED with the reason for a store a Worker cannot use", async () => {
    // Without an account key Azure wants user delegation, whose Entra ID token a Worker cannot get.
    const azure = await startEdgeFacade({
      port: 0,
      vars: edgeVars({ OMNIA_MEDIA_STORAGE_TYPE: "azure", OMNIA_MEDIA_AZURE_ACCOUNT: "devstoreaccount1", OMNIA_MEDIA_AZURE_CONTAINER: "media" }),
    });
    try {
      const url = azure.url.replace(/\/$/, "");
      const socket = await MediaSocket.open(url);
      const sessionId = String((await socket.next("connected")).session_id);
      socket.send({ type: "upload_request", session_id: sessionId, upload_request: { filename: "photo.png", mime_type: "image/png", size_bytes: png.byteLength } });
      const refused = await socket.next("error");
      expect(refused.error).toMatchObject({ code: "MEDIA_NOT_ENABLED" });
      expect(String((refused.error as { message: string }).message)).toContain("azure is not available at the edge: it needs OMNIA_MEDIA_AZURE_KEY");
      // The socket goes on.
      socket.send({ type: "message", session_id: sessionId, content: "hi" });
      expect((await socket.outcome()).type).toBe("done");
      socket.close();
      const http = await fetch(`${url}/media/request-upload`, { method: "POST", body: "{}" });
      expect(http.status).toBe(501);
      expect(await http.json()).toMatchObject({ error: { code: "MEDIA_NOT_ENABLED" } });
    } finally {
      await azure.stop();
    }
  });
});

describe("media at the edge (workerd): Azure and GCS signed through Web Crypto", () => {
  let azurite: AzuriteServer;
  let azureStack: MediaStack;
  let azureEdge: EdgeFacadeServer;

  beforeAll(async () => {
    azurite = await startAzurite();
    await new BlobServiceClient(azurite.endpoint, new StorageSharedKeyCredential(azurite.account, azurite.key)).getContainerClient("media").create();
    const azureEnv = {
      OMNIA_MEDIA_STORAGE_TYPE: "azure",
      OMNIA_MEDIA_AZURE_ACCOUNT: azurite.account,
      OMNIA_MEDIA_AZURE_CONTAINER: "media",
      OMNIA_MEDIA_AZURE_PREFIX: "edge",
      OMNIA_MEDIA_AZURE_KEY: azurite.key,
      OMNIA_MEDIA_AZURE_ENDPOINT: azurite.endpoint,
    };
    // The runtime reads the blob through the Node adapter, with the same variables as the Worker.
    azureStack = await startMediaStack(azureEnv, { redisUrl: redis.url });
    azureEdge = await startEdgeFacade({ port: 0, vars: edgeVars(azureEnv, azureStack.runtimes) });
  }, 120_000);

  afterAll(async () => {
    await azureEdge?.stop();
    await azureStack?.stop();
    await azurite?.stop();
  });

  it("presigns an Azure upload Azurite accepts; the message completes it and the mock answers its SHA-256", async () => {
    const url = azureEdge.url.replace(/\/$/, "");
    const { socket, sessionId, ready } = await socketUpload(url);
    expect(ready.upload_url.startsWith(`${azurite.endpoint}/media/edge/${sessionId}/`)).toBe(true);
    expect(new URL(ready.upload_url).searchParams.get("sp")).toBe("cw");
    const tampered = { ...ready, upload_url: ready.upload_url.replace("sp=cw", "sp=rcw") };
    expect((await putUpload(url, tampered, png)).status).toBe(403);
    expect((await putUpload(url, ready, png)).status).toBe(201);

    await sendsAndHearsItsSha256(socket, sessionId, ready);
  });

  it("confirms an Azure upload over HTTP by the blob's properties, and refuses one that was never sent", async () => {
    const url = azureEdge.url.replace(/\/$/, "");
    const request = async (sessionId: string) => (await (await requestUpload(url, sessionId)).json()) as Ticket;
    const sessionId = `edge-azure-${Date.now()}`;
    const ticket = await request(sessionId);
    expect((await putUpload(url, ticket, png)).status).toBe(201);
    expect((await fetch(`${url}/media/confirm-upload/${ticket.upload_id}`, { method: "POST" })).status).toBe(200);
    const mediaId = ticket.storage_ref.split("/").pop() ?? "";
    expect(await (await fetch(`${url}/media/info/${sessionId}/${mediaId}`)).json()).toMatchObject({ storage_ref: ticket.storage_ref, size_bytes: png.byteLength });
    const redirect = await fetch(`${url}/media/download/${sessionId}/${mediaId}`, { redirect: "manual" });
    expect(new Uint8Array(await (await fetch(redirect.headers.get("location") ?? "")).arrayBuffer())).toEqual(png);

    const never = await request(sessionId);
    const refused = await fetch(`${url}/media/confirm-upload/${never.upload_id}`, { method: "POST" });
    expect(refused.status).toBe(400);
  });

  it("signs a GCS V4 upload URL in the Worker that the verifier accepts for exactly the requested type and length", async () => {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const key = { client_email: "omnia-media@test-project.iam.gserviceaccount.com", private_key: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
    const gcs = await startEdgeFacade({
      port: 0,
      vars: edgeVars({ OMNIA_MEDIA_STORAGE_TYPE: "gcs", OMNIA_MEDIA_GCS_BUCKET: "omnia-media", OMNIA_MEDIA_GCS_PREFIX: "edge", GOOGLE_APPLICATION_CREDENTIALS: JSON.stringify(key) }),
    });
    try {
      const url = gcs.url.replace(/\/$/, "");
      const res = await requestUpload(url, "edge-gcs");
      expect(res.status).toBe(200);
      const ticket = (await res.json()) as Ticket;
      expect(ticket.url.startsWith("https://storage.googleapis.com/omnia-media/edge/edge-gcs/")).toBe(true);
      const sent = { method: ticket.method, url: ticket.url, headers: { ...ticket.headers, "Content-Length": String(png.byteLength) } };
      expect(verifyGcsV4Request(sent, pair.publicKey)).toMatchObject({ ok: true, signedHeaders: ["content-length", "content-type", "host"] });
      expect(verifyGcsV4Request({ ...sent, headers: { ...sent.headers, "Content-Length": "1" } }, pair.publicKey)).toEqual({ ok: false, reason: "SignatureDoesNotMatch" });
      expect(verifyGcsV4Request({ ...sent, headers: { ...sent.headers, "Content-Type": "text/html" } }, pair.publicKey)).toEqual({ ok: false, reason: "SignatureDoesNotMatch" });
    } finally {
      await gcs.stop();
    }
    // A key file path is what a pod gives; a Worker has no files, and says so.
    const path = await startEdgeFacade({
      port: 0,
      vars: edgeVars({ OMNIA_MEDIA_STORAGE_TYPE: "gcs", OMNIA_MEDIA_GCS_BUCKET: "omnia-media", GOOGLE_APPLICATION_CREDENTIALS: "/var/secrets/key.json" }),
    });
    try {
      const refused = await fetch(`${path.url.replace(/\/$/, "")}/media/request-upload`, { method: "POST", body: "{}" });
      expect(refused.status).toBe(501);
      expect(await refused.json()).toMatchObject({ error: { code: "MEDIA_NOT_ENABLED", message: expect.stringContaining("GOOGLE_APPLICATION_CREDENTIALS: the service-account key is not JSON") } });
    } finally {
      await path.stop();
    }
  });
});
