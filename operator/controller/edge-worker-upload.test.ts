// The edge Worker uploaded through Cloudflare's API, against the in-process API server and a local
// stand-in for Cloudflare's API (test/helpers/cloudflare-api-server.ts), with the Worker bundle built
// once the way deploy/edge/bundle-worker.ts builds it.
import type { KubernetesObject, KubernetesObjectApi } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorker } from "../../deploy/edge/bundle-worker.js";
import type { CloudflareApiServer } from "../../test/helpers/cloudflare-api-server.js";
import { eventually } from "../../test/helpers/eventually.js";
import type { KubeTestServer } from "../../test/helpers/kube-test-server.js";
import { workerUploadForm, workerUploadUrl } from "../agent-runtime/edge-worker-script.js";
import { quietPass, settled } from "../testing/controller-harness.js";
import { type EdgeWorkerWorld, startEdgeWorkerWorld } from "../testing/edge-worker-world.js";
import type { AgentRuntimeController } from "./agent-runtime-controller.js";

const AR = "omnia.altairalabs.ai/v1alpha1";
const ns = "default";
const ACCOUNT = "0123456789abcdef0123456789abcdef";
const TOKEN = "cf-api-token-never-in-status-0001";
const SCRIPT = "omnia-default-edgy";
const KEYS = { alice: "omnia-key-alice-0123456789abcdef" };
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Binding {
  type: string;
  name: string;
  text?: string;
  class_name?: string;
}

describe("edge Worker upload through Cloudflare's API", () => {
  let server: KubeTestServer;
  let cloudflare: CloudflareApiServer;
  let controller: AgentRuntimeController;
  let world: EdgeWorkerWorld | undefined;
  let bundle: string;
  let api: KubernetesObjectApi;

  const condition = () =>
    (server.state.get(AR, "AgentRuntime", "edgy", ns)?.status as { conditions?: Array<{ type: string; status: string; reason: string; message: string }> } | undefined)?.conditions?.find(
      (c) => c.type === "EdgeWorkerDeployed",
    );
  const lastUpload = () => cloudflare.uploads.at(-1)!;
  const bindings = () => lastUpload().metadata.bindings as Binding[];
  const binding = (name: string) => bindings().find((b) => b.name === name);
  const setOrigins = (value: string) =>
    server.state.mutate(AR, "AgentRuntime", "edgy", ns, (o) => {
      const [facade] = (o.spec as { facades: Array<Record<string, unknown>> }).facades;
      facade!.extraEnv = [{ name: "OMNIA_ALLOWED_ORIGINS", value }];
    });

  beforeAll(async () => {
    bundle = (await bundleWorker()).code;
    world = await startEdgeWorkerWorld({
      bundle,
      account: { id: ACCOUNT, token: TOKEN },
      beforeStart: async (api) => {
        await api.create({ apiVersion: "v1", kind: "Secret", metadata: { name: "cloudflare", namespace: ns }, data: { accountId: b64(ACCOUNT), apiToken: b64(TOKEN) } } as KubernetesObject);
        await api.create({ apiVersion: "v1", kind: "Secret", metadata: { name: "edge-keys", namespace: ns }, data: { alice: b64(KEYS.alice) } } as KubernetesObject);
      },
    });
    ({ server, api, cloudflare, controller } = world);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  it("uploads the Worker once it is provisioned: bundle, vars, secrets, Durable Object and its migration", async () => {
    const agent = server.state.get(AR, "AgentRuntime", "assistant", ns)!;
    const spec = {
      ...(agent.spec as Record<string, unknown>),
      facades: [{ type: "websocket", port: 8080, placement: "edge", edge: { cloudflareSecretRef: { name: "cloudflare" } } }],
      externalAuth: { clientKeys: { secretRef: { name: "edge-keys" } } },
    };
    await api.create({ apiVersion: AR, kind: "AgentRuntime", metadata: { name: "edgy", namespace: ns }, spec } as KubernetesObject);
    await eventually(async () => expect(condition()).toMatchObject({ status: "True", reason: "Deployed", message: expect.stringContaining(`Worker ${SCRIPT} is deployed`) }));
    expect(cloudflare.uploads).toHaveLength(1);
    const upload = lastUpload();
    expect(upload).toMatchObject({ accountId: ACCOUNT, scriptName: SCRIPT });
    expect(upload.metadata).toMatchObject({ main_module: "worker.js", compatibility_date: "2026-11-01", compatibility_flags: [], migrations: { new_tag: "v1", new_sqlite_classes: ["SessionSocket"] } });
    expect(upload.modules).toEqual([{ name: "worker.js", type: "application/javascript+module", text: bundle }]);
    const bridgeToken = Buffer.from((server.state.get("v1", "Secret", "edgy-bridge-token", ns)!.data as { token: string }).token, "base64").toString("utf8");
    expect(binding("OMNIA_BRIDGE_TOKEN")).toEqual({ type: "secret_text", name: "OMNIA_BRIDGE_TOKEN", text: bridgeToken });
    expect(JSON.parse(binding("OMNIA_AUTH_KEYS")!.text!)).toEqual(KEYS);
    expect(binding("OMNIA_AUTH_KEYS")?.type).toBe("secret_text");
    expect(binding("SESSIONS")).toEqual({ type: "durable_object_namespace", name: "SESSIONS", class_name: "SessionSocket" });
    // The vars are the ones published in the edge-worker ConfigMap.
    const configMap = server.state.get("v1", "ConfigMap", "edgy-edge-worker", ns)!;
    const vars = JSON.parse((configMap.data as Record<string, string>)["vars.json"]!) as Record<string, string>;
    expect(bindings().filter((b) => b.type === "plain_text").map((b) => [b.name, b.text])).toEqual(Object.entries(vars).sort(([a], [b]) => a.localeCompare(b)));
    await eventually(async () =>
      expect(server.state.get("v1", "ConfigMap", "edgy-edge-worker", ns)?.metadata.annotations?.["omnia.altairalabs.ai/edge-worker-uploaded-hash"]).toMatch(/^[0-9a-f]{16}$/),
    );
  });

  it("does not upload again, or write anything, on an unchanged pass", async () => {
    await settled(controller);
    const uploads = cloudflare.requests.length;
    const { writes } = await quietPass(server, controller, `${ns}/edgy`);
    expect(cloudflare.requests.length).toBe(uploads);
    expect(writes).toEqual([]);
  });

  it("uploads again after a var changes, without the migration Cloudflare already applied", async () => {
    setOrigins("https://app.example.com");
    await eventually(async () => expect(cloudflare.uploads).toHaveLength(2));
    expect(binding("OMNIA_ALLOWED_ORIGINS")).toEqual({ type: "plain_text", name: "OMNIA_ALLOWED_ORIGINS", text: "https://app.example.com" });
    expect(lastUpload().metadata).not.toHaveProperty("migrations");
    await eventually(async () => expect(condition()).toMatchObject({ status: "True", reason: "Deployed" }));
  });

  it("uploads again when the clientKeys Secret changes (watched like a provider's Secret)", async () => {
    server.state.mutate("v1", "Secret", "edge-keys", ns, (s) => {
      (s.data as Record<string, string>).bob = b64("omnia-key-bob-0123456789abcdef00");
    });
    await eventually(async () => expect(cloudflare.uploads).toHaveLength(3));
    expect(JSON.parse(binding("OMNIA_AUTH_KEYS")!.text!)).toEqual({ ...KEYS, bob: "omnia-key-bob-0123456789abcdef00" });
  });

  it("answers a 4xx with EdgeWorkerDeployed False and Cloudflare's message (never the token), and does not resend the same content", async () => {
    await settled(controller);
    cloudflare.failNext(1, 400, "Uncaught SyntaxError: Unexpected token");
    setOrigins("https://other.example.com");
    await eventually(async () =>
      expect(condition()).toMatchObject({ status: "False", reason: "UploadRejected", message: expect.stringMatching(/HTTP 400\): Uncaught SyntaxError: Unexpected token \(code \d+\)/) }),
    );
    expect(JSON.stringify(server.state.get(AR, "AgentRuntime", "edgy", ns)!.status)).not.toContain(TOKEN);
    await settled(controller);
    const requests = cloudflare.requests.length;
    controller.queue.add(`${ns}/edgy`);
    await sleep(300);
    await settled(controller);
    expect(cloudflare.requests.length).toBe(requests);
  });

  it("retries a 5xx with the queue's backoff until the upload goes through", async () => {
    await settled(controller);
    cloudflare.failNext(2, 503, "Service unavailable");
    setOrigins("https://third.example.com");
    await eventually(async () => expect(condition()).toMatchObject({ status: "True", reason: "Deployed" }));
    expect(cloudflare.requests.slice(-3).map((r) => r.status)).toEqual([503, 503, 200]);
    expect(binding("OMNIA_ALLOWED_ORIGINS")?.text).toBe("https://third.example.com");
  });

  it("uploads a Worker that already exists at Cloudflare (its migration applied) without the migration", async () => {
    const form = workerUploadForm({ accountId: ACCOUNT, scriptName: "omnia-default-again", vars: {}, secrets: {}, bundle }, { firstUpload: true });
    const earlier = await fetch(workerUploadUrl(cloudflare.apiUrl, { accountId: ACCOUNT, scriptName: "omnia-default-again" }), { method: "PUT", headers: { authorization: `Bearer ${TOKEN}` }, body: form });
    expect(earlier.status).toBe(200);
    const agent = server.state.get(AR, "AgentRuntime", "edgy", ns)!;
    await api.create({ apiVersion: AR, kind: "AgentRuntime", metadata: { name: "again", namespace: ns }, spec: agent.spec } as KubernetesObject);
    const status = () => server.state.get(AR, "AgentRuntime", "again", ns)?.status as { conditions?: Array<{ type: string; status: string }> } | undefined;
    await eventually(async () => expect(status()?.conditions?.find((c) => c.type === "EdgeWorkerDeployed")).toMatchObject({ status: "True" }));
    const attempts = cloudflare.requests.filter((r) => r.path.endsWith("/omnia-default-again"));
    expect(attempts.map((r) => r.status)).toEqual([200, 400, 200]);
    expect(lastUpload()).toMatchObject({ scriptName: "omnia-default-again" });
    expect(lastUpload().metadata).not.toHaveProperty("migrations");
  });

  it("reports a Cloudflare Secret without a token as CloudflareSecretInvalid, and a refused token with Cloudflare's words", async () => {
    server.state.mutate("v1", "Secret", "cloudflare", ns, (s) => {
      delete (s.data as Record<string, string>).apiToken;
    });
    await eventually(async () => expect(condition()).toMatchObject({ status: "False", reason: "CloudflareSecretInvalid", message: expect.stringContaining("apiToken") }));
    server.state.mutate("v1", "Secret", "cloudflare", ns, (s) => {
      (s.data as Record<string, string>).apiToken = b64("a-token-cloudflare-does-not-know");
    });
    setOrigins("https://fourth.example.com");
    await eventually(async () => expect(condition()).toMatchObject({ status: "False", reason: "UploadRejected", message: expect.stringContaining("HTTP 401): Authentication error") }));
    expect(JSON.stringify(server.state.get(AR, "AgentRuntime", "edgy", ns)!.status)).not.toContain("a-token-cloudflare-does-not-know");
  });
});
