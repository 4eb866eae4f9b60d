// The PromptPack reconciler, run by the operator's controller against the in-process API server with
// the real client-node: the deploy/examples manifests go in, and the PromptPack's status (and the
// agent using it) show what it made of its ConfigMap.
import { KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../test/helpers/eventually.js";
import { startKubeTestServer, type KubeObject, type KubeTestServer } from "../../test/helpers/kube-test-server.js";
import { HASH_ANNOTATIONS } from "../agent-runtime/constants.js";
import { AgentRuntimeController, promptPackKey } from "../controller/agent-runtime-controller.js";
import { yamlObjects } from "../testing/yaml-dir.js";
import { settled, testController, WRITES } from "../testing/controller-harness.js";

const AR = "omnia.altairalabs.ai/v1alpha1";
const ns = "default";

type Status = { phase?: string; activeVersion?: string; observedGeneration?: number; conditions?: Array<{ type: string; status: string; reason: string; message: string; lastTransitionTime: string }> };
const statusOf = (server: KubeTestServer, kind: string, name: string) => server.state.get(AR, kind, name, ns)?.status as Status | undefined;
const conditionOf = (server: KubeTestServer, kind: string, name: string, type: string) => statusOf(server, kind, name)?.conditions?.find((c) => c.type === type);
const deployment = (server: KubeTestServer) => server.state.get("apps/v1", "Deployment", "assistant", ns);
const packHash = (server: KubeTestServer) =>
  (deployment(server)?.spec as { template: { metadata: { annotations: Record<string, string> } } } | undefined)?.template.metadata.annotations[HASH_ANNOTATIONS.pack];


describe("PromptPack reconciler", () => {
  let server: KubeTestServer;
  let controller: AgentRuntimeController;
  let api: KubernetesObjectApi;
  let goodPackJson: string;

  beforeAll(async () => {
    server = await startKubeTestServer({ crds: await yamlObjects<KubeObject>("deploy/crds") });
    api = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    for (const object of await yamlObjects<KubeObject>("deploy/examples")) await api.create(object as KubernetesObject);
    goodPackJson = (server.state.get("v1", "ConfigMap", "assistant-pack", ns)!.data as Record<string, string>)["pack.json"]!;
    controller = testController(server);
    await controller.start();
  });
  afterAll(async () => {
    await controller?.stop();
    await server?.close();
  });

  const setPackJson = (text: string) =>
    server.state.mutate("v1", "ConfigMap", "assistant-pack", ns, (cm) => {
      (cm.data as Record<string, string>)["pack.json"] = text;
    });

  it("reports the example pack SchemaValid, Active, with the content hash the agent's pods carry", async () => {
    await eventually(async () => {
      expect(statusOf(server, "PromptPack", "assistant")).toMatchObject({ phase: "Active", observedGeneration: 1 });
      expect(conditionOf(server, "PromptPack", "assistant", "SourceValid")).toMatchObject({ status: "True" });
      expect(conditionOf(server, "PromptPack", "assistant", "SchemaValid")).toMatchObject({ status: "True", reason: "SchemaValid" });
      expect(packHash(server)).toBeDefined();
    });
    expect(statusOf(server, "PromptPack", "assistant")?.activeVersion).toBe(packHash(server));
    expect(server.state.get(AR, "PromptPack", "assistant", ns)!.metadata.managedFields).toContainEqual(
      expect.objectContaining({ manager: "omnia-operator", operation: "Apply", subresource: "status" }),
    );
  });

  it("writes no status on a second pass over an unchanged pack", async () => {
    await settled(controller);
    server.resetCalls();
    const before = controller.reconciles;
    controller.queue.add(promptPackKey(ns, "assistant"));
    await eventually(async () => expect(controller.reconciles).toBeGreaterThan(before));
    await settled(controller);
    expect(server.calls.filter((c) => WRITES.includes(c.verb) && c.resource !== "leases")).toEqual([]);
  });

  it("flips SchemaValid=False with the schema's message when pack.json breaks, leaving the running Deployment alone; fixing it restores", async () => {
    await settled(controller);
    const activeVersion = statusOf(server, "PromptPack", "assistant")?.activeVersion;
    const specBefore = JSON.stringify(deployment(server)?.spec);
    const broken = JSON.parse(goodPackJson) as Record<string, unknown>;
    delete broken.template_engine;
    setPackJson(JSON.stringify(broken, null, 2));
    await eventually(async () => {
      expect(conditionOf(server, "PromptPack", "assistant", "SchemaValid")).toMatchObject({
        status: "False",
        reason: "SchemaInvalid",
        message: expect.stringContaining("must have required property 'template_engine'"),
      });
      expect(statusOf(server, "PromptPack", "assistant")).toMatchObject({ phase: "Failed", activeVersion });
      // The agent's own view of the pack agrees.
      expect(conditionOf(server, "AgentRuntime", "assistant", "PromptPackReady")).toMatchObject({ status: "False", reason: "PromptPackInvalid" });
    });
    await settled(controller);
    expect(JSON.stringify(deployment(server)?.spec)).toBe(specBefore);

    const fixed = goodPackJson.replace("A friendly general-purpose assistant", "A friendly assistant");
    setPackJson(fixed);
    await eventually(async () => {
      expect(conditionOf(server, "PromptPack", "assistant", "SchemaValid")).toMatchObject({ status: "True" });
      expect(conditionOf(server, "AgentRuntime", "assistant", "PromptPackReady")).toMatchObject({ status: "True" });
      expect(packHash(server)).not.toBe(activeVersion);
      expect(statusOf(server, "PromptPack", "assistant")).toMatchObject({ phase: "Active", activeVersion: packHash(server) });
    });
  });

  it("reports a missing ConfigMap as SourceValid=False, and picks the ConfigMap up once it is created", async () => {
    await api.create({
      apiVersion: AR,
      kind: "PromptPack",
      metadata: { name: "lost", namespace: ns },
      spec: { packName: "lost", version: "1.0.0", source: { type: "configmap", configMapRef: { name: "lost-pack" } } },
    } as KubernetesObject);
    await eventually(async () => {
      expect(conditionOf(server, "PromptPack", "lost", "SourceValid")).toMatchObject({ status: "False", reason: "ConfigMapNotFound", message: expect.stringContaining('ConfigMap "lost-pack" not found') });
      expect(statusOf(server, "PromptPack", "lost")).toMatchObject({ phase: "Failed" });
    });
    await api.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "lost-pack", namespace: ns }, data: { "pack.json": goodPackJson } } as KubernetesObject);
    await eventually(async () => {
      expect(conditionOf(server, "PromptPack", "lost", "SourceValid")).toMatchObject({ status: "True" });
      expect(statusOf(server, "PromptPack", "lost")).toMatchObject({ phase: "Active" });
    });
  });
});
