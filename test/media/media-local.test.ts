// Media through the Node facade with the local backend (the facade's disk), against the real
// runtime: the media conformance suite, and what only the facade's own upload route does (its
// CORS preflight, a PUT to an upload already received).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { describeMediaConformance, MEDIA_CONFORMANCE_ENV, SHORT_TTL_ENV, type MediaTarget } from "./media-conformance.js";
import { askUpload, openSession, putUpload, startMediaStack, TEST_PNG, type MediaStack } from "./media-stack.js";

const ALLOWED_ORIGIN = "https://chat.example.com";
let stack: MediaStack;
let target: MediaTarget;

beforeAll(async () => {
  stack = await startMediaStack({ OMNIA_MEDIA_STORAGE_TYPE: "local", ...MEDIA_CONFORMANCE_ENV });
  const [url, short] = (
    await Promise.all([stack.facade({ OMNIA_ALLOWED_ORIGINS: ALLOWED_ORIGIN }), stack.facade({ OMNIA_MEDIA_STORAGE_PATH: join(stack.dir, "media-short"), ...SHORT_TTL_ENV })])
  ).map((f) => f.url) as [string, string];
  target = {
    url,
    peerUrl: url,
    uploadUrlPrefix: () => "/media/upload/",
    store: {
      putStatus: 204,
      putConfirms: true,
      wrongType: { status: 400, body: "must be sent with Content-Type image/png, not text/plain" },
      wrongLength: { status: 400, body: `requested for ${TEST_PNG.byteLength} bytes but Content-Length is ${TEST_PNG.byteLength - 1}` },
      expired: { status: 410, body: "expired" },
    },
    download: "served",
    shortTtlUrl: short,
  };
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

describeMediaConformance("pod, local backend", () => target);

describe("the local backend's upload route", () => {
  it("refuses a second PUT to an upload it already received (409)", async () => {
    const { socket, sessionId } = await openSession(target.url);
    const ready = await askUpload(socket, sessionId);
    expect((await putUpload(target.url, ready, TEST_PNG)).status).toBe(204);
    const again = await putUpload(target.url, ready, TEST_PNG);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: "UPLOAD_FAILED", reason: "already_confirmed" } });
    socket.close();
  });

  it("answers the upload route's preflight for an allowed origin only", async () => {
    const preflight = (origin: string) =>
      fetch(`${target.url}/media/upload/some-id`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "PUT", "access-control-request-headers": "content-type" } });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get("access-control-allow-methods")).toContain("PUT");
    const other = await preflight("https://evil.example.com");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});
