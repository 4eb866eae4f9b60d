// The Provider reconciler, run by the operator's controller against the in-process API server with
// the real client-node: a Provider's credential Secret (a user's, not labelled as ours) is watched,
// and its status, and the readiness and pod template of the agents using it, follow the Secret.
import { KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eventually } from "../../test/helpers/eventually.js";
import { startKubeTestServer, type KubeObject, type KubeTestServer } from "../../test/helpers/kube-test-server.js";
import { AgentRuntimeController, providerKey } from "../controller/agent-runtime-controller.js";
import { HASH_ANNOTATIONS } from "../agent-runtime/constants.js";
import { yamlObjects } from "../testing/yaml-dir.js";
import { settled, testController, WRITES } from "../testing/controller-harness.js";

const AR = "omnia.altairalabs.ai/v1alpha1";
const ns = "default";

type Status = { phase?: string; observedGeneration?: number; conditions?: Array<{ type: string; status: string; reason: string; message: string }> };
const statusOf = (server: KubeTestServer, name: string) => server.state.get(AR, "Provider", name, ns)?.status as Status | undefined;
const conditionOf = (server: KubeTestServer, name: string, type: string) => statusOf(server, name)?.conditions?.find((c) => c.type === type);
const agentCondition = (server: KubeTestServer, name: string, type: string) =>
  (server.state.get(AR, "AgentRuntime", name, ns)?.status as Status | undefined)?.conditions?.find((c) => c.type === type);
type DeploymentSpec = { template: { metadata: { annotations?: Record<string, string> }; spec: { containers: Array<{ name: string; env?: unknown[] }> } } };
const credentialHash = (server: KubeTestServer, name: string) =>
  (server.state.get("apps/v1", "Deployment", name, ns)?.spec as DeploymentSpec | undefined)?.template.metadata.annotations?.[HASH_ANNOTATIONS.providerCredential];


describe("Provider reconciler", () => {
  let server: KubeTestServer;
  let controller: AgentRuntimeController;
  let api: KubernetesObjectApi;

  beforeAll(async () => {
    server = await startKubeTestServer({ crds: await yamlObjects<KubeObject>("deploy/crds") });
    api = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    for (const object of await yamlObjects<KubeObject>("deploy/examples")) await api.create(object as KubernetesObject);
    controller = testController(server);
    await controller.start();
  });
  afterAll(async () => {
    await controller?.stop();
    await server?.close();
  });

  it("reports the example mock Provider Ready: it needs no credential, so there is no SecretFound", async () => {
    await eventually(async () => {
      expect(statusOf(server, "mock")).toMatchObject({ phase: "Ready", observedGeneration: 1 });
      expect(conditionOf(server, "mock", "CredentialConfigured")).toMatchObject({ status: "True", reason: "NotRequired" });
    });
    expect(conditionOf(server, "mock", "SecretFound")).toBeUndefined();
    expect(server.state.get(AR, "Provider", "mock", ns)!.metadata.managedFields).toContainEqual(
      expect.objectContaining({ manager: "omnia-operator", operation: "Apply", subresource: "status" }),
    );
  });

  it("reports a missing Secret as SecretFound=False; creating it flips SecretFound=True and requeues the agents using the Provider", async () => {
    await api.create({
      apiVersion: AR,
      kind: "Provider",
      metadata: { name: "claude", namespace: ns },
      spec: { type: "claude", role: "llm", model: "claude-sonnet-4-5", credential: { secretRef: { name: "claude-key" } } },
    } as KubernetesObject);
    const agent = server.state.get(AR, "AgentRuntime", "assistant", ns)!;
    const spec = { ...(agent.spec as Record<string, unknown>), providers: [{ name: "llm", providerRef: { name: "claude" } }] };
    await api.create({ apiVersion: AR, kind: "AgentRuntime", metadata: { name: "keyed", namespace: ns }, spec } as KubernetesObject);
    await eventually(async () => {
      expect(conditionOf(server, "claude", "SecretFound")).toMatchObject({ status: "False", reason: "SecretNotFound", message: 'Secret "claude-key" not found in namespace default' });
      expect(conditionOf(server, "claude", "CredentialConfigured")).toMatchObject({ status: "True", reason: "SecretRef" });
      expect(statusOf(server, "claude")).toMatchObject({ phase: "Error" });
      // The agent's pods could not start without the key: nothing is rolled out, and it says why.
      expect(agentCondition(server, "keyed", "ProviderReady")).toMatchObject({ status: "False", reason: "ProviderSecretNotFound", message: expect.stringContaining('Secret "claude-key" not found') });
    });
    expect(server.state.get("apps/v1", "Deployment", "keyed", ns)).toBeUndefined();
    await settled(controller);

    const added = vi.spyOn(controller.queue, "add");
    await api.create({ apiVersion: "v1", kind: "Secret", metadata: { name: "claude-key", namespace: ns }, data: { ANTHROPIC_API_KEY: Buffer.from("sk-test").toString("base64") } } as KubernetesObject);
    await eventually(async () => {
      expect(conditionOf(server, "claude", "SecretFound")).toMatchObject({ status: "True", reason: "SecretFound" });
      expect(statusOf(server, "claude")).toMatchObject({ phase: "Ready" });
    });
    expect(added).toHaveBeenCalledWith(providerKey(ns, "claude"));
    expect(added).toHaveBeenCalledWith(`${ns}/keyed`);
    added.mockRestore();
    const firstHash = await eventually(async () => {
      expect(agentCondition(server, "keyed", "ProviderReady")).toMatchObject({ status: "True" });
      const hash = credentialHash(server, "keyed");
      expect(hash).toMatch(/^[0-9a-f]{16}$/);
      return hash;
    });
    const env = (server.state.get("apps/v1", "Deployment", "keyed", ns)!.spec as DeploymentSpec).template.spec.containers.find((c) => c.name === "runtime")!.env;
    expect(env).toContainEqual({ name: "ANTHROPIC_API_KEY", valueFrom: { secretKeyRef: { name: "claude-key", key: "ANTHROPIC_API_KEY" } } });

    // A rotated key rolls the pods: env from a Secret is read only when a container starts.
    server.state.mutate("v1", "Secret", "claude-key", ns, (s) => {
      s.data = { ANTHROPIC_API_KEY: Buffer.from("sk-rotated").toString("base64") };
    });
    await eventually(async () => expect(credentialHash(server, "keyed")).not.toBe(firstHash));

    // A key that is not there is reported as such.
    server.state.mutate("v1", "Secret", "claude-key", ns, (s) => {
      s.data = { other: Buffer.from("x").toString("base64") };
    });
    await eventually(async () => {
      expect(conditionOf(server, "claude", "SecretFound")).toMatchObject({ status: "False", reason: "KeyNotFound" });
      expect(agentCondition(server, "keyed", "ProviderReady")).toMatchObject({ status: "False", reason: "ProviderKeyNotFound" });
    });
    // The pods already running keep their Deployment: a broken reference leaves the last good one.
    expect(server.state.get("apps/v1", "Deployment", "keyed", ns)).toBeDefined();
  });

  it("reports a Provider its schema rejects as Error with reason InvalidSpec", async () => {
    await api.create({ apiVersion: AR, kind: "Provider", metadata: { name: "odd", namespace: ns }, spec: { type: "nonsense" } } as KubernetesObject);
    await eventually(async () => {
      expect(statusOf(server, "odd")).toMatchObject({ phase: "Error" });
      expect(conditionOf(server, "odd", "CredentialConfigured")).toMatchObject({ status: "False", reason: "InvalidSpec", message: expect.stringContaining('spec.type: "nonsense" is not one of') });
    });
  });

  it("writes no status on a second pass over unchanged Providers, and reads nothing from the API", async () => {
    await settled(controller);
    server.resetCalls();
    const before = controller.reconciles;
    controller.queue.add(providerKey(ns, "claude"));
    controller.queue.add(providerKey(ns, "mock"));
    controller.queue.add(providerKey(ns, "odd"));
    await eventually(async () => expect(controller.reconciles).toBeGreaterThanOrEqual(before + 3));
    await settled(controller);
    expect(server.calls.filter((c) => WRITES.includes(c.verb) && c.resource !== "leases")).toEqual([]);
    expect(server.countCalls({ verb: "get" }) + server.countCalls({ verb: "list" })).toBe(server.countCalls({ verb: "get", resource: "leases" }));
  });
});
