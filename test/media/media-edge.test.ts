// The media flow at the edge: the facade as a Worker in real workerd (Miniflare, wrangler.toml)
// presigning for S3 (s3rver, checking SigV4), pending uploads in Redis through Upstash REST, the
// runtime a real process with the same OMNIA_MEDIA_*. An upload issued at the edge is confirmed by
// a Node facade on the same Redis; a store a Worker cannot use is refused with the reason.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEdgeFacade, type EdgeFacadeServer } from "../../deploy/edge/edge-facade-server.js";
import { startS3Server, type S3Server } from "../helpers/media-servers/s3-server.js";
import { startRedis, type RedisServer } from "../helpers/redis-server.js";
import { startUpstashRestBridge, type UpstashRestBridge } from "../helpers/upstash-rest-bridge.js";
import { MediaSocket, mediaMessage, putUpload, s3MediaEnv, sha256, startMediaStack, testPng, uploadReadyOf, type MediaStack } from "./media-stack.js";

let s3: S3Server;
let redis: RedisServer;
let bridge: UpstashRestBridge;
let stack: MediaStack;
let edge: EdgeFacadeServer;
let edgeUrl: string;
let pod: string;
const png = testPng();

function edgeVars(extra: Record<string, string>): Record<string, string> {
  const runtime = stack.runtimes.runtime("default/assistant");
  return {
    OMNIA_AGENT_NAME: "assistant",
    OMNIA_NAMESPACE: "default",
    OMNIA_RUNTIME_URL: `http://127.0.0.1:${runtime.grpcWebPort}`,
    OMNIA_BRIDGE_TOKEN: stack.runtimes.bridgeToken,
    UPSTASH_REDIS_REST_URL: bridge.url,
    UPSTASH_REDIS_REST_TOKEN: bridge.token,
    ...extra,
  };
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
    const socket = await MediaSocket.open(edgeUrl);
    const sessionId = String((await socket.next("connected")).session_id);
    socket.send({ type: "upload_request", session_id: sessionId, upload_request: { filename: "photo.png", mime_type: "image/png", size_bytes: png.byteLength } });
    const ready = uploadReadyOf(await socket.next("upload_ready"));
    expect(ready.upload_url.startsWith(`${s3.endpoint}/${s3.bucket}/edge/${sessionId}/`)).toBe(true);
    expect((await putUpload(edgeUrl, ready, png)).status).toBe(200);

    socket.send(mediaMessage(sessionId, [{ storage_ref: ready.storage_ref, mime_type: "image/png" }]));
    expect((await socket.next("upload_complete")).upload_complete).toMatchObject({ upload_id: ready.upload_id, size_bytes: png.byteLength });
    expect((await socket.outcome()).content).toContain(`image/png, ${png.byteLength} bytes, sha256 ${sha256(png)}`);
    expect(socket.invalid).toEqual([]);
    socket.close();
  });

  it("issues an upload over HTTP that a pod confirms, and serves its info and a download redirect", async () => {
    const sessionId = `edge-http-${Date.now()}`;
    const res = await fetch(`${edgeUrl}/media/request-upload`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ session_id: sessionId, filename: "photo.png", mime_type: "image/png", size_bytes: png.byteLength }),
    });
    expect(res.status).toBe(200);
    const ticket = (await res.json()) as { upload_id: string; url: string; method: string; headers: Record<string, string>; storage_ref: string };
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
    const azure = await startEdgeFacade({
      port: 0,
      vars: edgeVars({ OMNIA_MEDIA_STORAGE_TYPE: "azure", OMNIA_MEDIA_AZURE_ACCOUNT: "devstoreaccount1", OMNIA_MEDIA_AZURE_CONTAINER: "media", OMNIA_MEDIA_AZURE_KEY: "a2V5" }),
    });
    try {
      const url = azure.url.replace(/\/$/, "");
      const socket = await MediaSocket.open(url);
      const sessionId = String((await socket.next("connected")).session_id);
      socket.send({ type: "upload_request", session_id: sessionId, upload_request: { filename: "photo.png", mime_type: "image/png", size_bytes: png.byteLength } });
      const refused = await socket.next("error");
      expect(refused.error).toMatchObject({ code: "MEDIA_NOT_ENABLED" });
      expect(String((refused.error as { message: string }).message)).toContain("azure is not available at the edge");
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
