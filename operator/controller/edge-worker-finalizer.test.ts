// The AgentRuntime finalizer: an agent whose edge Worker the operator uploaded to Cloudflare is not
// deleted until the Worker is deleted from Cloudflare too. Against the in-process API server and the
// local stand-in for Cloudflare's API (the Worker bundle is a small module: the stand-in does not run it).
import { type KubernetesObject, type KubernetesObjectApi, PatchStrategy } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CloudflareApiServer } from "../../test/helpers/cloudflare-api-server.js";
import { eventually } from "../../test/helpers/eventually.js";
import type { KubeTestServer } from "../../test/helpers/kube-test-server.js";
import { settled } from "../testing/controller-harness.js";
import { type EdgeWorkerWorld, startEdgeWorkerWorld } from "../testing/edge-worker-world.js";
import type { AgentRuntimeController } from "./agent-runtime-controller.js";

const AR = "omnia.altairalabs.ai/v1alpha1";
const FINALIZER = "agentruntime.omnia.altairalabs.ai/finalizer";
const ns = "default";
const ACCOUNT = "fedcba9876543210fedcba9876543210";
const TOKEN = "cf-api-token-for-finalizer-tests";
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

describe("the AgentRuntime finalizer: the uploaded edge Worker is deleted from Cloudflare with the agent", () => {
  let server: KubeTestServer;
  let cloudflare: CloudflareApiServer;
  let controller: AgentRuntimeController;
  let api: KubernetesObjectApi;
  let world: EdgeWorkerWorld | undefined;
  let exampleSpec: Record<string, unknown>;

  const agent = (name: string) => server.state.get(AR, "AgentRuntime", name, ns);
  const condition = (name: string, type: string) => (agent(name)?.status as { conditions?: Condition[] } | undefined)?.conditions?.find((c) => c.type === type);
  const cloudflareSecret = (name: string) =>
    ({ apiVersion: "v1", kind: "Secret", metadata: { name, namespace: ns }, data: { accountId: b64(ACCOUNT), apiToken: b64(TOKEN) } }) as KubernetesObject;
  const deletes = (name: string) => cloudflare.requests.filter((r) => r.method === "DELETE" && r.path.endsWith(`/workers/scripts/omnia-${ns}-${name}`));
  /** Creates an agent whose edge facade is uploaded with the Cloudflare Secret `secret`; waits for the upload. */
  async function uploadedAgent(name: string, secret: string): Promise<void> {
    const spec = {
      ...exampleSpec,
      facades: [{ type: "websocket", port: 8080, placement: "edge", edge: { cloudflareSecretRef: { name: secret } } }],
      externalAuth: { oidc: { issuer: "https://issuer.example.com", audience: "omnia" } },
    };
    await api.create({ apiVersion: AR, kind: "AgentRuntime", metadata: { name, namespace: ns }, spec } as KubernetesObject);
    await eventually(async () => expect(condition(name, "EdgeWorkerDeployed")).toMatchObject({ status: "True", reason: "Deployed" }));
    expect(cloudflare.uploads.filter((u) => u.scriptName === `omnia-${ns}-${name}`)).toHaveLength(1);
  }
  const deleteAgent = (name: string) => api.delete({ apiVersion: AR, kind: "AgentRuntime", metadata: { name, namespace: ns } });

  beforeAll(async () => {
    world = await startEdgeWorkerWorld({
      bundle: "export class SessionSocket {}\nexport default { fetch() { return new Response('ok'); } };\n",
      account: { id: ACCOUNT, token: TOKEN },
      beforeStart: async (api) => {
        for (const secret of ["cloudflare", "cloudflare-blocked"]) await api.create(cloudflareSecret(secret));
      },
    });
    ({ server, api, cloudflare, controller } = world);
    exampleSpec = server.state.get(AR, "AgentRuntime", "assistant", ns)!.spec as Record<string, unknown>;
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  it("puts the finalizer on an agent whose Worker it uploads; deleting the agent deletes the Worker, then the agent and what it owns", async () => {
    await uploadedAgent("edgy", "cloudflare");
    await eventually(async () => expect(agent("edgy")?.metadata.finalizers).toEqual([FINALIZER]));
    expect(server.state.get("apps/v1", "Deployment", "edgy", ns)).toBeDefined();
    await deleteAgent("edgy");
    await eventually(async () => expect(agent("edgy")).toBeUndefined());
    expect(cloudflare.deletions).toContainEqual({ accountId: ACCOUNT, scriptName: `omnia-${ns}-edgy`, force: true });
    expect(deletes("edgy").map((r) => r.status)).toEqual([200]);
    await eventually(async () => {
      expect(server.state.get("apps/v1", "Deployment", "edgy", ns)).toBeUndefined();
      expect(server.state.get("v1", "ConfigMap", "edgy-edge-worker", ns)).toBeUndefined();
    });
  });

  it("retries a 5xx from Cloudflare's DELETE with the queue's backoff until the Worker is gone", async () => {
    await uploadedAgent("flaky", "cloudflare");
    await eventually(async () => expect(agent("flaky")?.metadata.finalizers).toEqual([FINALIZER]));
    cloudflare.failNext(2, 503, "Service unavailable", "DELETE");
    await deleteAgent("flaky");
    await eventually(async () => expect(agent("flaky")).toBeUndefined());
    expect(deletes("flaky").map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it("counts a Worker Cloudflare no longer has (404) as deleted", async () => {
    await uploadedAgent("vanished", "cloudflare");
    await eventually(async () => expect(agent("vanished")?.metadata.finalizers).toEqual([FINALIZER]));
    const gone = await fetch(`${cloudflare.apiUrl}/accounts/${ACCOUNT}/workers/scripts/omnia-${ns}-vanished?force=true`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(gone.status).toBe(200);
    await deleteAgent("vanished");
    await eventually(async () => expect(agent("vanished")).toBeUndefined());
    expect(deletes("vanished").map((r) => r.status)).toEqual([200, 404]);
  });

  it("keeps the agent and says why while the Cloudflare Secret is missing; restoring it lets the deletion finish", async () => {
    await uploadedAgent("blocked", "cloudflare-blocked");
    await eventually(async () => expect(agent("blocked")?.metadata.finalizers).toEqual([FINALIZER]));
    server.state.delete("v1", "Secret", "cloudflare-blocked", ns);
    await deleteAgent("blocked");
    await eventually(async () =>
      expect(condition("blocked", "EdgeWorkerDeleted")).toMatchObject({
        status: "False",
        reason: "CloudflareSecretNotFound",
        message: expect.stringContaining(`remove the finalizer ${FINALIZER} by hand`),
      }),
    );
    await settled(controller);
    expect(agent("blocked")?.metadata.deletionTimestamp).toBeDefined();
    expect(deletes("blocked")).toEqual([]);
    await api.create(cloudflareSecret("cloudflare-blocked"));
    await eventually(async () => expect(agent("blocked")).toBeUndefined());
    expect(deletes("blocked").map((r) => r.status)).toEqual([200]);
  });

  it("lets a user leave the Worker behind by removing the finalizer by hand", async () => {
    await uploadedAgent("abandoned", "cloudflare-blocked");
    await eventually(async () => expect(agent("abandoned")?.metadata.finalizers).toEqual([FINALIZER]));
    server.state.delete("v1", "Secret", "cloudflare-blocked", ns);
    await deleteAgent("abandoned");
    await eventually(async () => expect(condition("abandoned", "EdgeWorkerDeleted")?.reason).toBe("CloudflareSecretNotFound"));
    await api.patch({ apiVersion: AR, kind: "AgentRuntime", metadata: { name: "abandoned", namespace: ns, finalizers: [] } } as KubernetesObject, undefined, undefined, "kubectl", undefined, PatchStrategy.MergePatch);
    await eventually(async () => expect(agent("abandoned")).toBeUndefined());
    expect(deletes("abandoned")).toEqual([]);
  });

  it("gives an agent without a Cloudflare upload no finalizer: it is deleted at once", async () => {
    await settled(controller);
    expect(agent("assistant")?.metadata.finalizers).toBeUndefined();
    expect(server.state.get("apps/v1", "Deployment", "assistant", ns)).toBeDefined();
    await deleteAgent("assistant");
    expect(agent("assistant")).toBeUndefined();
  });
});
