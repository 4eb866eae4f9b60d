// Issue 8 at the edge: the Worker (real workerd through Miniflare) checks every upgrade with the
// same auth core as the pod, keeps tickets and session owners in the shared Redis through Upstash
// REST, so a ticket bought from the Node facade redeems at the edge (and back), and a session made
// in one placement is refused to another identity in the other.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEdgeFacade, type EdgeFacadeServer } from "../../deploy/edge/edge-facade-server.js";
import { writeMountedSecret } from "../../deploy/local/mounted-secret.js";
import { startConformanceRuntime, type ConformanceRuntime } from "../helpers/conformance-runtime.js";
import { freePort } from "../helpers/free-port.js";
import { ProtocolClient } from "../helpers/protocol-client.js";
import { startRedis, type RedisServer } from "../helpers/redis-server.js";
import { startUpstashRestBridge, type UpstashRestBridge } from "../helpers/upstash-rest-bridge.js";
import { bearer, rawUpgrade, startAuthFacade, type AuthFacade } from "./auth-facade.js";

const KEYS = { alice: "omnia-demo-alice", bob: "omnia-demo-bob" };
const BRIDGE_TOKEN = "edge-auth-test-bridge-token";
const externalAuth = JSON.stringify({ clientKeys: { secretRef: { name: "secured-keys" } } });
const dir = mkdtempSync(join(tmpdir(), "omnia-auth-edge-"));

let redis: RedisServer;
let bridge: UpstashRestBridge;
let runtime: ConformanceRuntime;
let pod: AuthFacade;
let edge: EdgeFacadeServer;

beforeAll(async () => {
  writeMountedSecret(join(dir, "keys"), KEYS);
  redis = await startRedis();
  bridge = await startUpstashRestBridge({ redisUrl: redis.url });
  runtime = await startConformanceRuntime({ OMNIA_GRPC_WEB_PORT: String(await freePort()), OMNIA_BRIDGE_TOKEN: BRIDGE_TOKEN });
  pod = await startAuthFacade({
    OMNIA_AGENT_NAME: "secured",
    OMNIA_RUNTIME_ADDRESS: runtime.grpcAddress,
    OMNIA_EXTERNAL_AUTH: externalAuth,
    OMNIA_AUTH_KEYS_DIR: join(dir, "keys"),
    OMNIA_REDIS_URL: redis.url,
  });
  edge = await startEdgeFacade({
    port: 0,
    vars: {
      OMNIA_AGENT_NAME: "secured",
      OMNIA_NAMESPACE: "default",
      OMNIA_RUNTIME_URL: `http://127.0.0.1:${runtime.grpcWebPort}`,
      OMNIA_BRIDGE_TOKEN: BRIDGE_TOKEN,
      UPSTASH_REDIS_REST_URL: bridge.url,
      UPSTASH_REDIS_REST_TOKEN: bridge.token,
      OMNIA_EXTERNAL_AUTH: externalAuth,
      OMNIA_AUTH_KEYS: JSON.stringify(KEYS),
    },
  });
}, 90_000);

afterAll(async () => {
  await edge?.stop();
  await pod?.stop();
  await runtime?.stop(500);
  await bridge?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const edgeWs = (query: Record<string, string> = {}) => `${edge.url.replace(/^http/, "ws")}ws${Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : ""}`;

async function buyAt(base: string, key: string): Promise<string> {
  const response = await fetch(new URL("/ws/ticket", base), { method: "POST", headers: bearer(key) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { ticket: string }).ticket;
}

describe("the edge Worker", () => {
  it("lets a right key in and refuses a missing or wrong one with 401 and a Bearer challenge", async () => {
    expect((await rawUpgrade(edgeWs(), bearer(KEYS.alice))).status).toBe(101);
    const none = await rawUpgrade(edgeWs());
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toBe('Bearer realm="omnia"');
    const wrong = await rawUpgrade(edgeWs(), bearer("omnia-demo-mallory"));
    expect(wrong.status).toBe(401);
    expect(wrong.headers["www-authenticate"]).toMatch(/error="invalid_token"/);
    expect(wrong.body).not.toContain("omnia-demo-mallory");
  });

  it("ignores an identity header a client forges", async () => {
    const forged = JSON.stringify({ subject: "apikey:alice", role: "admin", groups: [], method: "api_key" });
    expect((await rawUpgrade(edgeWs(), { "x-omnia-edge-identity": forged })).status).toBe(401);
  });

  it("redeems a ticket bought from the Node facade, once, and the pod redeems one bought at the edge", async () => {
    const fromPod = await buyAt(pod.url, KEYS.alice);
    expect((await rawUpgrade(edgeWs({ ticket: fromPod }))).status).toBe(101);
    expect((await rawUpgrade(edgeWs({ ticket: fromPod }))).status).toBe(401);
    expect((await rawUpgrade(pod.wsUrl({ ticket: fromPod }))).status).toBe(401);
    const fromEdge = await buyAt(edge.url, KEYS.bob);
    expect((await rawUpgrade(pod.wsUrl({ ticket: fromEdge }))).status).toBe(101);
  });

  it("keeps alice's edge session from bob in the pod, and lets alice continue it there", async () => {
    const alice = await ProtocolClient.connect(edgeWs(), { headers: bearer(KEYS.alice) });
    const { session_id: sessionId } = await alice.next("connected");
    alice.send({ type: "message", session_id: sessionId, content: "at the edge" });
    expect((await alice.turn()).end.type).toBe("done");
    alice.close();

    const bob = await ProtocolClient.connect(pod.wsUrl(), { headers: bearer(KEYS.bob) });
    await bob.next("connected");
    bob.send({ type: "message", session_id: sessionId, content: "mine now" });
    expect((await bob.next("error")).error.code).toBe("UNAUTHORIZED");
    bob.close();
    const bobAtEdge = await ProtocolClient.connect(edgeWs({ resume: sessionId ?? "" }), { headers: bearer(KEYS.bob) });
    expect((await bobAtEdge.next("connected")).session_id).not.toBe(sessionId);
    expect((await bobAtEdge.next("error")).error.code).toBe("UNAUTHORIZED");
    bobAtEdge.close();

    const back = await ProtocolClient.connect(pod.wsUrl(), { headers: bearer(KEYS.alice) });
    await back.next("connected");
    back.send({ type: "message", session_id: sessionId, content: "in the pod" });
    expect(await back.turn().then((t) => t.end)).toMatchObject({ type: "done", session_id: sessionId });
    back.close();
  });
});
