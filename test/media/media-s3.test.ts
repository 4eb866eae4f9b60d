// Media through the Node facade with S3 (s3rver, which checks SigV4 signatures), pending uploads in
// Redis shared by two facades: the browser's bytes go straight to the store, the facade learns of
// them by confirm-upload or by the message naming them, and a confirm reaching the other replica
// still finds its upload.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RedisServer } from "../helpers/redis-server.js";
import { startS3Server, type S3Server } from "../helpers/media-servers/s3-server.js";
import { MediaSocket, mediaMessage, putUpload, s3MediaEnv, sha256, startMediaStack, testPng, uploadReadyOf, type MediaStack } from "./media-stack.js";

let s3: S3Server;
let redis: RedisServer;
let stack: MediaStack;
let replicaA: string;
let replicaB: string;
const png = testPng();

beforeAll(async () => {
  [s3, redis] = await Promise.all([startS3Server({ corsOrigins: ["https://chat.example.com"] }), startRedis()]);
  stack = await startMediaStack(s3MediaEnv(s3, "chat-media"), { redisUrl: redis.url });
  [replicaA, replicaB] = (await Promise.all([stack.facade(), stack.facade()])).map((f) => f.url) as [string, string];
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all([s3?.stop(), redis?.stop()]);
});

describe("media with S3, two facades and one Redis", () => {
  it("presigns a PUT to the bucket; the message naming the upload completes it and the mock answers its SHA-256", async () => {
    const socket = await MediaSocket.open(replicaA);
    const sessionId = String((await socket.next("connected")).session_id);
    socket.send({ type: "upload_request", session_id: sessionId, upload_request: { filename: "photo.png", mime_type: "image/png", size_bytes: png.byteLength } });
    const ready = uploadReadyOf(await socket.next("upload_ready"));
    expect(ready.upload_url.startsWith(`${s3.endpoint}/${s3.bucket}/chat-media/${sessionId}/`)).toBe(true);
    expect(ready.upload_url).toContain("X-Amz-Signature=");

    expect((await putUpload(replicaA, ready, png)).status).toBe(200);
    socket.send(mediaMessage(sessionId, [{ storage_ref: ready.storage_ref, mime_type: "image/png" }]));
    expect((await socket.next("upload_complete")).upload_complete).toEqual({ upload_id: ready.upload_id, storage_ref: ready.storage_ref, size_bytes: png.byteLength });
    const done = await socket.outcome();
    expect(done.content).toContain(`image/png, ${png.byteLength} bytes, sha256 ${sha256(png)}`);
    expect(socket.invalid).toEqual([]);
    socket.close();
  });

  it("finds an upload requested on one replica when it is confirmed on the other, tells the first one's socket, and a message there uses it", async () => {
    const socket = await MediaSocket.open(replicaA);
    const sessionId = String((await socket.next("connected")).session_id);
    socket.send({ type: "upload_request", session_id: sessionId, upload_request: { filename: "photo.png", mime_type: "image/png", size_bytes: png.byteLength } });
    const ready = uploadReadyOf(await socket.next("upload_ready"));
    await putUpload(replicaA, ready, png);

    const confirmed = await fetch(`${replicaB}/media/confirm-upload/${ready.upload_id}`, { method: "POST", body: JSON.stringify({ session_id: sessionId }) });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({ storage_ref: ready.storage_ref, size_bytes: png.byteLength, mime_type: "image/png", filename: "photo.png" });
    // Confirmed on B, announced over Redis: the socket on A hears of it before any message names it.
    expect((await socket.next("upload_complete")).upload_complete).toEqual({ upload_id: ready.upload_id, storage_ref: ready.storage_ref, size_bytes: png.byteLength });
    const again = await fetch(`${replicaA}/media/confirm-upload/${ready.upload_id}`, { method: "POST" });
    expect(again.status).toBe(409);

    socket.send(mediaMessage(sessionId, [{ storage_ref: ready.storage_ref, mime_type: "image/png" }]));
    expect((await socket.outcome()).content).toContain(sha256(png));
    socket.close();
  });

  it("works over HTTP alone: request-upload, PUT, confirm, info, and a download that redirects to the same bytes", async () => {
    const sessionId = `http-${Date.now()}`;
    const ticketRes = await fetch(`${replicaB}/media/request-upload`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ session_id: sessionId, filename: "photo.png", mime_type: "image/png", size_bytes: png.byteLength }),
    });
    expect(ticketRes.status).toBe(200);
    const ticket = (await ticketRes.json()) as { upload_id: string; url: string; method: string; headers: Record<string, string>; storage_ref: string };
    expect(ticket.headers).toMatchObject({ "Content-Type": "image/png" });

    // The signature binds type and length: other bytes fail at the store, before the facade sees them.
    expect((await putUpload(replicaB, { ...ticket, headers: { ...ticket.headers, "Content-Type": "text/plain" } }, png)).status).toBe(403);
    expect((await putUpload(replicaB, ticket, png.subarray(1))).status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${replicaA}/media/confirm-upload/${ticket.upload_id}`, { method: "POST" })).status).toBe(400);

    expect((await putUpload(replicaB, ticket, png)).status).toBe(200);
    expect((await fetch(`${replicaA}/media/confirm-upload/${ticket.upload_id}`, { method: "POST", body: JSON.stringify({ session_id: "someone-else" }) })).status).toBe(404);
    expect((await fetch(`${replicaA}/media/confirm-upload/${ticket.upload_id}`, { method: "POST" })).status).toBe(200);
    const mediaId = ticket.storage_ref.split("/").pop() ?? "";
    expect((await fetch(`${replicaB}/media/info/${sessionId}/${mediaId}`)).status).toBe(200);
    expect((await fetch(`${replicaB}/media/info/someone-else/${mediaId}`)).status).toBe(404);

    const redirect = await fetch(`${replicaA}/media/download/${sessionId}/${mediaId}`, { redirect: "manual" });
    expect(redirect.status).toBe(307);
    const location = redirect.headers.get("location") ?? "";
    expect(location.startsWith(`${s3.endpoint}/${s3.bucket}/`)).toBe(true);
    expect(new Uint8Array(await (await fetch(location)).arrayBuffer())).toEqual(png);
  });
});
