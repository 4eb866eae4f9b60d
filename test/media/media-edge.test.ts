// The media flow at the edge: the facade as a Worker in real workerd (Miniflare, wrangler.toml)
// presigning for S3 (s3rver, checking SigV4), Azure (Azurite, checking SAS) and GCS (V4 URLs checked
// by the verifier the Node adapter's tests use), pending uploads in Redis through Upstash REST, the
// runtime a real process with the same OMNIA_MEDIA_*. With S3 it runs the media conformance suite;
// besides: a socket whose Durable Object was evicted still hears of its upload, an upload issued
// at the edge is confirmed by a Node facade on the same Redis, and a store a Worker cannot use is
// refused with the reason.
import { generateKeyPairSync } from "node:crypto";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEdgeFacade, type EdgeFacadeServer } from "../../deploy/edge/edge-facade-server.js";
import { startAzurite, type AzuriteServer } from "../helpers/media-servers/azurite.js";
import { verifyGcsV4Request } from "../helpers/media-servers/gcs-v4-verifier.js";
import { startS3Server, type S3Server } from "../helpers/media-servers/s3-server.js";
import { startRedis, type RedisServer } from "../helpers/redis-server.js";
import { startUpstashRestBridge, type UpstashRestBridge } from "../helpers/upstash-rest-bridge.js";
import { describeMediaConformance, MEDIA_CONFORMANCE_ENV, SHORT_TTL_ENV, type MediaTarget } from "./media-conformance.js";
import {
  askUpload,
  confirmUpload,
  mediaIdOf,
  openSession,
  putUpload,
  requestUpload,
  S3RVER_REFUSALS,
  s3MediaEnv,
  sendsAndHearsItsSha256,
  startMediaStack,
  TEST_PNG,
  ticketOf,
  type MediaStack,
} from "./media-stack.js";

let s3: S3Server;
let redis: RedisServer;
let bridge: UpstashRestBridge;
let stack: MediaStack;
let edge: EdgeFacadeServer;
let shortTtlEdge: EdgeFacadeServer;
let target: MediaTarget;
let pod: string;
const png = TEST_PNG;

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

function urlOf(server: EdgeFacadeServer): string {
  return server.url.replace(/\/$/, "");
}

beforeAll(async () => {
  [s3, redis] = await Promise.all([startS3Server(), startRedis()]);
  bridge = await startUpstashRestBridge({ redisUrl: redis.url });
  const mediaEnv = { ...s3MediaEnv(s3, "edge"), ...MEDIA_CONFORMANCE_ENV };
  stack = await startMediaStack(mediaEnv, { redisUrl: redis.url });
  let podFacade;
  [podFacade, edge, shortTtlEdge] = await Promise.all([
    stack.facade(),
    startEdgeFacade({ port: 0, vars: edgeVars(mediaEnv) }),
    startEdgeFacade({ port: 0, vars: edgeVars({ ...mediaEnv, ...SHORT_TTL_ENV }) }),
  ]);
  pod = podFacade.url;
  target = {
    url: urlOf(edge),
    // The Worker's front answers HTTP; each session's socket lives in its Durable Object, which
    // hears of a confirm POSTed to the front through the object's announcer.
    peerUrl: urlOf(edge),
    uploadUrlPrefix: (sessionId) => `${s3.endpoint}/${s3.bucket}/edge/${sessionId}/`,
    store: { putStatus: 200, putConfirms: false, ...S3RVER_REFUSALS },
    download: "redirect",
    shortTtlUrl: urlOf(shortTtlEdge),
  };
}, 120_000);

afterAll(async () => {
  await Promise.all([edge?.stop(), shortTtlEdge?.stop()]);
  await stack?.stop();
  await bridge?.close();
  await Promise.all([s3?.stop(), redis?.stop()]);
});

describeMediaConformance("edge Worker in workerd, S3", () => target);

describe("media at the edge (workerd)", () => {
  it("tells a socket whose Durable Object was evicted, hibernated, of an upload confirmed at the Worker", async () => {
    const { socket, sessionId } = await openSession(target.url);
    // A big file takes long enough to send that Cloudflare evicts the idle object, its socket hibernated.
    const ready = await askUpload(socket, sessionId);
    await edge.hibernate(sessionId);
    expect((await putUpload(target.url, ready, png)).status).toBe(200);
    const confirmed = await confirmUpload(target.url, ready.upload_id);
    expect(confirmed.status, await confirmed.clone().text()).toBe(200);
    await sendsAndHearsItsSha256(socket, sessionId, ready);
    expect(socket.frames.filter((f) => f.type === "upload_complete")).toHaveLength(1);
    socket.close();
  });

  it("issues an upload over HTTP that a pod on the same Redis confirms, and serves its info", async () => {
    const sessionId = `edge-http-${Date.now()}`;
    const res = await requestUpload(target.url, sessionId);
    expect(res.status).toBe(200);
    const ticket = await ticketOf(res);
    expect((await putUpload(target.url, ticket, png)).status).toBe(200);

    expect((await confirmUpload(pod, ticket.upload_id)).status).toBe(200);
    expect((await confirmUpload(target.url, ticket.upload_id)).status).toBe(409);
    expect(await (await fetch(`${target.url}/media/info/${sessionId}/${mediaIdOf(ticket.storage_ref)}`)).json()).toMatchObject({ storage_ref: ticket.storage_ref, size_bytes: png.byteLength });
  });

  it("answers MEDIA_NOT_ENABLED with the reason for a store a Worker cannot use", async () => {
    // Without an account key Azure wants user delegation, whose Entra ID token a Worker cannot get.
    const azure = await startEdgeFacade({
      port: 0,
      vars: edgeVars({ OMNIA_MEDIA_STORAGE_TYPE: "azure", OMNIA_MEDIA_AZURE_ACCOUNT: "devstoreaccount1", OMNIA_MEDIA_AZURE_CONTAINER: "media" }),
    });
    try {
      const url = urlOf(azure);
      const { socket, sessionId } = await openSession(url);
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
    const url = urlOf(azureEdge);
    const { socket, sessionId } = await openSession(url);
    const ready = await askUpload(socket, sessionId);
    expect(ready.upload_url.startsWith(`${azurite.endpoint}/media/edge/${sessionId}/`)).toBe(true);
    expect(new URL(ready.upload_url).searchParams.get("sp")).toBe("cw");
    const tampered = { ...ready, upload_url: ready.upload_url.replace("sp=cw", "sp=rcw") };
    expect((await putUpload(url, tampered, png)).status).toBe(403);
    expect((await putUpload(url, ready, png)).status).toBe(201);

    await sendsAndHearsItsSha256(socket, sessionId, ready);
    socket.close();
  });

  it("confirms an Azure upload over HTTP by the blob's properties, and refuses one that was never sent", async () => {
    const url = urlOf(azureEdge);
    const request = async (sessionId: string) => ticketOf(await requestUpload(url, sessionId));
    const sessionId = `edge-azure-${Date.now()}`;
    const ticket = await request(sessionId);
    expect((await putUpload(url, ticket, png)).status).toBe(201);
    expect((await confirmUpload(url, ticket.upload_id)).status).toBe(200);
    const mediaId = mediaIdOf(ticket.storage_ref);
    expect(await (await fetch(`${url}/media/info/${sessionId}/${mediaId}`)).json()).toMatchObject({ storage_ref: ticket.storage_ref, size_bytes: png.byteLength });
    const redirect = await fetch(`${url}/media/download/${sessionId}/${mediaId}`, { redirect: "manual" });
    expect(new Uint8Array(await (await fetch(redirect.headers.get("location") ?? "")).arrayBuffer())).toEqual(png);

    const never = await request(sessionId);
    const refused = await confirmUpload(url, never.upload_id);
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
      const url = urlOf(gcs);
      const res = await requestUpload(url, "edge-gcs");
      expect(res.status).toBe(200);
      const ticket = await ticketOf(res);
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
      const refused = await fetch(`${urlOf(path)}/media/request-upload`, { method: "POST", body: "{}" });
      expect(refused.status).toBe(501);
      expect(await refused.json()).toMatchObject({ error: { code: "MEDIA_NOT_ENABLED", message: expect.stringContaining("GOOGLE_APPLICATION_CREDENTIALS: the service-account key is not JSON") } });
    } finally {
      await path.stop();
    }
  });
});
