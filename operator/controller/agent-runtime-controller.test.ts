// The AgentRuntime controller against the in-process API server, driven by the real client-node:
// the deploy/examples manifests go in, the controller runs in-process, and the cluster state shows
// what it made.
import { join } from "node:path";
import { KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../test/helpers/eventually.js";
import { startKubeTestServer, type KubeObject, type KubeTestServer } from "../../test/helpers/kube-test-server.js";
import { HASH_ANNOTATIONS } from "../agent-runtime/constants.js";
import { quietPass, settled, testController } from "../testing/controller-harness.js";
import { yamlObjects } from "../testing/yaml-dir.js";
import { AgentRuntimeController } from "./agent-runtime-controller.js";

const AR = "omnia.altairalabs.ai/v1alpha1";
const ns = "default";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const yamlDir = (dir: string) => yamlObjects<KubeObject>(dir);

async function startServer(): Promise<KubeTestServer> {
  const server = await startKubeTestServer({ crds: await yamlDir("deploy/crds") });
  const api = KubernetesObjectApi.makeApiClient(server.kubeConfig());
  for (const object of await yamlDir("deploy/examples")) await api.create(object as KubernetesObject);
  return server;
}

const startController = (server: KubeTestServer, identity: string) => testController(server, identity);



function markAvailable(server: KubeTestServer, name: string): void {
  server.state.mutate("apps/v1", "Deployment", name, ns, (d) => {
    const generation = (d.metadata as { generation?: number }).generation ?? 1;
    d.status = { observedGeneration: generation, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 };
  });
}

const agentStatus = (server: KubeTestServer, name: string) =>
  server.state.get(AR, "AgentRuntime", name, ns)?.status as { phase?: string; conditions?: Array<{ type: string; status: string; reason: string; message: string }> } | undefined;
const condition = (server: KubeTestServer, name: string, type: string) => agentStatus(server, name)?.conditions?.find((c) => c.type === type);

describe("AgentRuntime controller", () => {
  let server: KubeTestServer;
  let controller: AgentRuntimeController;

  beforeAll(async () => {
    server = await startServer();
    controller = startController(server, "only");
    await controller.start();
  });
  afterAll(async () => {
    await controller?.stop();
    await server?.close();
  });

  it("makes the Deployment, Service and tools ConfigMap, owned by the agent, and reports Running once the Deployment is available", async () => {
    const agent = server.state.get(AR, "AgentRuntime", "assistant", ns)!;
    const owned = await eventually(async () => {
      const objects = [
        server.state.get("apps/v1", "Deployment", "assistant", ns),
        server.state.get("v1", "Service", "assistant", ns),
        server.state.get("v1", "ConfigMap", "assistant-tools", ns),
      ];
      expect(objects.every(Boolean)).toBe(true);
      return objects as KubeObject[];
    });
    for (const object of owned) {
      expect(object.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: "AgentRuntime", name: "assistant", uid: agent.metadata.uid, controller: true })]);
      expect(object.metadata.managedFields).toContainEqual(expect.objectContaining({ manager: "omnia-operator", operation: "Apply" }));
    }
    await eventually(async () => expect(agentStatus(server, "assistant")).toMatchObject({ phase: "Pending" }));
    markAvailable(server, "assistant");
    await eventually(async () => {
      expect(agentStatus(server, "assistant")).toMatchObject({ phase: "Running", activeVersion: "1.0.0" });
      expect(condition(server, "assistant", "Ready")).toMatchObject({ status: "True", reason: "AllComponentsReady" });
    });
  });

  it("writes nothing on a pass over an unchanged world", async () => {
    const { writes } = await quietPass(server, controller, `${ns}/assistant`);
    expect(writes).toEqual([]);
    expect(server.countCalls({ verb: "get" }) + server.countCalls({ verb: "list" })).toBe(server.countCalls({ verb: "get", resource: "leases" }));
  });

  it("rolls the Deployment when the PromptPack's ConfigMap changes", async () => {
    const hashOf = () =>
      (server.state.get("apps/v1", "Deployment", "assistant", ns)?.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations[HASH_ANNOTATIONS.pack];
    const before = hashOf();
    server.state.mutate("v1", "ConfigMap", "assistant-pack", ns, (cm) => {
      const data = cm.data as Record<string, string>;
      data["pack.json"] = data["pack.json"]!.replace("A friendly general-purpose assistant", "A friendly assistant");
    });
    await eventually(async () => expect(hashOf()).not.toBe(before));
  });

  it("deletes the HPA when autoscaling is turned off", async () => {
    const setAutoscaling = (enabled: boolean) =>
      server.state.mutate(AR, "AgentRuntime", "assistant", ns, (a) => {
        const spec = a.spec as { runtime: Record<string, unknown> };
        spec.runtime.autoscaling = { enabled, type: "hpa", minReplicas: 1, maxReplicas: 3 };
      });
    setAutoscaling(true);
    await eventually(async () => expect(server.state.get("autoscaling/v2", "HorizontalPodAutoscaler", "assistant", ns)).toBeDefined());
    setAutoscaling(false);
    await eventually(async () => expect(server.state.get("autoscaling/v2", "HorizontalPodAutoscaler", "assistant", ns)).toBeUndefined());
    await eventually(async () => expect((server.state.get("apps/v1", "Deployment", "assistant", ns)?.spec as { replicas?: number }).replicas).toBe(1));
  });

  it("reports a missing Provider as ProviderReady=False with a reason, and makes nothing", async () => {
    const api = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    const agent = server.state.get(AR, "AgentRuntime", "assistant", ns)!;
    const spec = { ...(agent.spec as Record<string, unknown>), providers: [{ name: "llm", providerRef: { name: "nowhere" } }] };
    await api.create({ apiVersion: AR, kind: "AgentRuntime", metadata: { name: "orphan", namespace: ns }, spec } as KubernetesObject);
    await eventually(async () => {
      expect(condition(server, "orphan", "ProviderReady")).toMatchObject({ status: "False", reason: "ProviderNotFound", message: expect.stringContaining('Provider "nowhere" not found') });
      expect(agentStatus(server, "orphan")).toMatchObject({ phase: "Failed" });
    });
    expect(server.state.get("apps/v1", "Deployment", "orphan", ns)).toBeUndefined();
    // No crash loop: once reported, the agent is left alone until something changes.
    await settled(controller);
    const reconciles = controller.reconciles;
    await sleep(500);
    expect(controller.reconciles).toBe(reconciles);
    // Creating the Provider requeues the agent through the reference index.
    await api.create({ apiVersion: AR, kind: "Provider", metadata: { name: "nowhere", namespace: ns }, spec: { type: "mock", role: "llm", model: "m" } } as KubernetesObject);
    await eventually(async () => expect(server.state.get("apps/v1", "Deployment", "orphan", ns)).toBeDefined());
    await eventually(async () => expect(condition(server, "orphan", "ProviderReady")).toMatchObject({ status: "True" }));
  });

  it("reports an AgentRuntime its schema rejects as Ready=False InvalidSpec, without retrying", async () => {
    const api = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    await api.create({ apiVersion: AR, kind: "AgentRuntime", metadata: { name: "broken", namespace: ns }, spec: { facades: [] } } as KubernetesObject);
    await eventually(async () => {
      expect(agentStatus(server, "broken")).toMatchObject({ phase: "Failed" });
      expect(condition(server, "broken", "Ready")).toMatchObject({ status: "False", reason: "InvalidSpec", message: expect.stringContaining("promptPackRef") });
    });
    await settled(controller);
    const reconciles = controller.reconciles;
    await sleep(300);
    expect(controller.reconciles).toBe(reconciles);
  });

  it("creates an edge facade's bridge token once and keeps it", async () => {
    const api = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    const agent = server.state.get(AR, "AgentRuntime", "assistant", ns)!;
    const spec = { ...(agent.spec as Record<string, unknown>), facades: [{ type: "websocket", port: 8080, placement: "edge" }], externalAuth: { clientKeys: { secretRef: { name: "edge-keys" } } } };
    await api.create({ apiVersion: AR, kind: "AgentRuntime", metadata: { name: "edgy", namespace: ns }, spec } as KubernetesObject);
    const tokenOf = () => (server.state.get("v1", "Secret", "edgy-bridge-token", ns)?.data as Record<string, string> | undefined)?.token;
    const token = await eventually(async () => {
      expect(tokenOf()).toBeDefined();
      expect(server.state.get("v1", "ConfigMap", "edgy-edge-worker", ns)).toBeDefined();
      return tokenOf();
    });
    await settled(controller);
    server.state.mutate(AR, "AgentRuntime", "edgy", ns, (o) => {
      (o.spec as { runtime: { replicas: number } }).runtime.replicas = 3;
    });
    await eventually(async () => expect((server.state.get("apps/v1", "Deployment", "edgy", ns)?.spec as { replicas?: number }).replicas).toBe(3));
    expect(tokenOf()).toBe(token);
  });

  it("keeps working after its watches are cut", async () => {
    await settled(controller);
    expect(server.closeWatches({ how: "destroy" })).toBeGreaterThan(0);
    server.state.mutate(AR, "AgentRuntime", "assistant", ns, (o) => {
      (o.spec as { runtime: { replicas: number } }).runtime.replicas = 4;
    });
    await eventually(async () => expect((server.state.get("apps/v1", "Deployment", "assistant", ns)?.spec as { replicas?: number }).replicas).toBe(4));
  });

  it("forgets a deleted AgentRuntime; its objects go with it", async () => {
    server.state.delete(AR, "AgentRuntime", "orphan", ns);
    await eventually(async () => expect(server.state.get("apps/v1", "Deployment", "orphan", ns)).toBeUndefined());
    await eventually(async () => expect(controller.index.usersOf("Provider/default/nowhere")).toEqual([]));
  });

  it("retries a 500 from the API server with backoff", async () => {
    await settled(controller);
    server.failNext(3, { verb: "patch", path: "/deployments/flaky" });
    const api = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    const agent = server.state.get(AR, "AgentRuntime", "assistant", ns)!;
    await api.create({ apiVersion: AR, kind: "AgentRuntime", metadata: { name: "flaky", namespace: ns }, spec: agent.spec } as KubernetesObject);
    await eventually(async () => expect(server.state.get("apps/v1", "Deployment", "flaky", ns)).toBeDefined());
    const attempts = server.calls.filter((c) => c.verb === "patch" && c.resource === "deployments" && c.name === "flaky");
    expect(attempts.map((c) => c.code)).toEqual([500, 500, 500, 201]); // the fourth apply creates it
    expect(controller.queue.retryDelay(1)).toBe(50);
    expect(controller.queue.retryDelay(3)).toBe(200);
  });
});

describe("AgentRuntime controller: leader election", () => {
  let server: KubeTestServer;
  const controllers: AgentRuntimeController[] = [];

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    for (const c of controllers) await c.stop();
    await server?.close();
  });

  it("reconciles only in the Lease holder, and the other takes over when it stops", async () => {
    const a = startController(server, "a");
    const b = startController(server, "b");
    controllers.push(a, b);
    await Promise.all([a.start(), b.start()]);
    await eventually(async () => expect(server.state.get("apps/v1", "Deployment", "assistant", ns)).toBeDefined());
    const leader = a.isLeader ? a : b;
    const standby = leader === a ? b : a;
    expect(standby.isLeader).toBe(false);
    expect(standby.reconciles).toBe(0);
    expect((server.state.get("coordination.k8s.io/v1", "Lease", "omnia-operator", "omnia-system")?.spec as { holderIdentity?: string }).holderIdentity).toBe(leader === a ? "a" : "b");

    await leader.stop();
    await eventually(async () => expect(standby.isLeader).toBe(true));
    const lease = server.state.get("coordination.k8s.io/v1", "Lease", "omnia-operator", "omnia-system")?.spec as { holderIdentity?: string; leaseTransitions?: number };
    expect(lease).toMatchObject({ holderIdentity: standby === a ? "a" : "b", leaseTransitions: 1 });
    // The new leader reconciles: a changed agent is acted on.
    server.state.mutate(AR, "AgentRuntime", "assistant", ns, (o) => {
      (o.spec as { runtime: { replicas: number } }).runtime.replicas = 2;
    });
    await eventually(async () => expect((server.state.get("apps/v1", "Deployment", "assistant", ns)?.spec as { replicas?: number }).replicas).toBe(2));
    expect(standby.reconciles).toBeGreaterThan(0);
  });
});
