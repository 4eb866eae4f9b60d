// Media through Node facades with S3 (s3rver, which checks SigV4 signatures and their expiry),
// pending uploads in Redis shared by two replicas: the media conformance suite, the browser's bytes
// going straight to the store, an upload requested on one replica confirmed on the other, whose
// socket hears of it through Redis.
import { afterAll, beforeAll } from "vitest";
import { startRedis, type RedisServer } from "../helpers/redis-server.js";
import { startS3Server, type S3Server } from "../helpers/media-servers/s3-server.js";
import { describeMediaConformance, MEDIA_CONFORMANCE_ENV, SHORT_TTL_ENV, type MediaTarget } from "./media-conformance.js";
import { S3RVER_REFUSALS, s3MediaEnv, startMediaStack, type MediaStack } from "./media-stack.js";

let s3: S3Server;
let redis: RedisServer;
let stack: MediaStack;
let target: MediaTarget;

beforeAll(async () => {
  [s3, redis] = await Promise.all([startS3Server({ corsOrigins: ["https://chat.example.com"] }), startRedis()]);
  stack = await startMediaStack({ ...s3MediaEnv(s3, "chat-media"), ...MEDIA_CONFORMANCE_ENV }, { redisUrl: redis.url });
  const [replicaA, replicaB, short] = (await Promise.all([stack.facade(), stack.facade(), stack.facade(SHORT_TTL_ENV)])).map((f) => f.url) as [string, string, string];
  target = {
    url: replicaA,
    peerUrl: replicaB,
    uploadUrlPrefix: (sessionId) => `${s3.endpoint}/${s3.bucket}/chat-media/${sessionId}/`,
    store: { putStatus: 200, putConfirms: false, ...S3RVER_REFUSALS },
    download: "redirect",
    shortTtlUrl: short,
  };
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all([s3?.stop(), redis?.stop()]);
});

describeMediaConformance("pod replicas, S3 and Redis", () => target);
