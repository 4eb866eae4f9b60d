// KEDA autoscaling against the in-process API server: with KEDA's CRD the agent gets a ScaledObject
// (and loses it again for an HPA); without it the agent is reconciled as usual and reports
// AutoscalingReady False (KedaNotInstalled) instead of failing.
import { KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../test/helpers/eventually.js";
import { startKubeTestServer, type KubeObject, type KubeTestServer } from "../../test/helpers/kube-test-server.js";
import { quietPass, settled, testController } from "../testing/controller-harness.js";
import { validateKubernetesObject } from "../testing/kubernetes-schema.js";
import { yamlObjects } from "../testing/yaml-dir.js";
import type { AgentRuntimeController } from "./agent-runtime-controller.js";

const AR = "omnia.altairalabs.ai/v1alpha1";
const KEDA = "keda.sh/v1alpha1";
const ns = "default";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** KEDA's ScaledObject CRD as far as the test server reads one (it does not validate against the schema). */
const SCALED_OBJECT_CRD: KubeObject = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "scaledobjects.keda.sh" },
  spec: {
    group: "keda.sh",
    names: { kind: "ScaledObject", listKind: "ScaledObjectList", plural: "scaledobjects", singular: "scaledobject", shortNames: ["so"] },
    scope: "Namespaced",
    versions: [
      {
        name: "v1alpha1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
      },
    ],
  },
};

/** The examples and a running controller for the tests of the enclosing describe, with or without KEDA's CRD. */
function useWorld(withKeda: boolean): { server: KubeTestServer; controller: AgentRuntimeController } {
  const world = {} as { server: KubeTestServer; controller: AgentRuntimeController };
  beforeAll(async () => {
    const crds = await yamlObjects<KubeObject>("deploy/crds");
    world.server = await startKubeTestServer({ crds: withKeda ? [...crds, SCALED_OBJECT_CRD] : crds });
    const api = KubernetesObjectApi.makeApiClient(world.server.kubeConfig());
    for (const object of await yamlObjects("deploy/examples")) await api.create(object as KubernetesObject);
    world.controller = testController(world.server, "only");
    await world.controller.start();
    await eventually(async () => expect(world.server.state.get("apps/v1", "Deployment", "assistant", ns)).toBeDefined());
  });
  afterAll(async () => {
    await world.controller?.stop();
    await world.server?.close();
  });
  return world;
}

function setAutoscaling(server: KubeTestServer, autoscaling: Record<string, unknown> | undefined): void {
  server.state.mutate(AR, "AgentRuntime", "assistant", ns, (a) => {
    const runtime = (a.spec as { runtime: Record<string, unknown> }).runtime;
    if (autoscaling) runtime.autoscaling = autoscaling;
    else delete runtime.autoscaling;
  });
}

const condition = (server: KubeTestServer, type: string) =>
  (server.state.get(AR, "AgentRuntime", "assistant", ns)?.status as { conditions?: Array<{ type: string; status: string; reason: string; message: string }> } | undefined)?.conditions?.find(
    (c) => c.type === type,
  );
const deploymentSpec = (server: KubeTestServer) => server.state.get("apps/v1", "Deployment", "assistant", ns)?.spec as { replicas?: number } | undefined;

describe("KEDA autoscaling, KEDA installed", () => {
  const world = useWorld(true);

  it("makes a ScaledObject owned by the agent instead of an HPA, writes no replicas, and reports AutoscalingReady", async () => {
    setAutoscaling(world.server, { enabled: true, type: "keda", minReplicas: 0, maxReplicas: 8, keda: { triggers: [{ type: "cron", metadata: { timezone: "UTC", start: "0 8 * * *", end: "0 18 * * *", desiredReplicas: "2" } }] } });
    const scaled = await eventually(async () => {
      const object = world.server.state.get(KEDA, "ScaledObject", "assistant", ns);
      expect(object).toBeDefined();
      return object!;
    });
    const agent = world.server.state.get(AR, "AgentRuntime", "assistant", ns)!;
    expect(scaled.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: "AgentRuntime", uid: agent.metadata.uid, controller: true })]);
    expect(scaled.spec).toMatchObject({
      scaleTargetRef: { kind: "Deployment", name: "assistant" },
      minReplicaCount: 0,
      maxReplicaCount: 8,
      triggers: [{ type: "cpu", metricType: "Utilization", metadata: { value: "90" } }, { type: "cron", metadata: { desiredReplicas: "2" } }],
    });
    // What the server stored (managedFields and all) is what KEDA's schema must accept.
    validateKubernetesObject(scaled);
    await eventually(async () => {
      expect(deploymentSpec(world.server)).not.toHaveProperty("replicas");
      expect(condition(world.server, "AutoscalingReady")).toMatchObject({ status: "True", reason: "ScaledObjectApplied", message: expect.stringContaining("between 0 and 8 replicas") });
    });
    expect(world.server.state.get("autoscaling/v2", "HorizontalPodAutoscaler", "assistant", ns)).toBeUndefined();
  });

  it("writes nothing on an unchanged pass (the ScaledObject is read, not applied)", async () => {
    const { calls, writes } = await quietPass(world.server, world.controller, `${ns}/assistant`);
    expect(writes).toEqual([]);
    expect(calls.filter((c) => c.verb === "get" && c.resource === "scaledobjects").length).toBeGreaterThanOrEqual(1);
  });

  it("puts back a ScaledObject someone else changed", async () => {
    world.server.state.mutate(KEDA, "ScaledObject", "assistant", ns, (o) => {
      (o.spec as { maxReplicaCount: number }).maxReplicaCount = 50;
    });
    world.controller.queue.add(`${ns}/assistant`);
    await eventually(async () => expect((world.server.state.get(KEDA, "ScaledObject", "assistant", ns)?.spec as { maxReplicaCount: number }).maxReplicaCount).toBe(8));
  });

  it("deletes the ScaledObject and makes an HPA when the type becomes hpa; the condition goes", async () => {
    setAutoscaling(world.server, { enabled: true, type: "hpa", minReplicas: 1, maxReplicas: 4 });
    await eventually(async () => {
      expect(world.server.state.get(KEDA, "ScaledObject", "assistant", ns)).toBeUndefined();
      expect(world.server.state.get("autoscaling/v2", "HorizontalPodAutoscaler", "assistant", ns)).toBeDefined();
      expect(condition(world.server, "AutoscalingReady")).toBeUndefined();
    });
  });
});

describe("KEDA autoscaling, KEDA not installed", () => {
  const world = useWorld(false);

  it("reports AutoscalingReady False (KedaNotInstalled), keeps reconciling the rest, and does not crash-loop", async () => {
    setAutoscaling(world.server, { enabled: true, type: "keda", minReplicas: 1, maxReplicas: 3 });
    await eventually(async () => {
      expect(condition(world.server, "AutoscalingReady")).toMatchObject({ status: "False", reason: "KedaNotInstalled", message: expect.stringContaining("install KEDA") });
      expect(deploymentSpec(world.server)).not.toHaveProperty("replicas");
    });
    // The rest of the agent is still acted on: a spec change reaches the Deployment as usual.
    world.server.state.mutate(AR, "AgentRuntime", "assistant", ns, (o) => {
      (o.spec as { extraPodAnnotations?: Record<string, string> }).extraPodAnnotations = { team: "search" };
    });
    await eventually(async () =>
      expect((world.server.state.get("apps/v1", "Deployment", "assistant", ns)?.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations.team).toBe("search"),
    );
    expect(condition(world.server, "Ready")?.reason).not.toBe("AutoscalingReadyFalse");
    await settled(world.controller);
    const reconciles = world.controller.reconciles;
    await sleep(500);
    expect(world.controller.reconciles).toBe(reconciles);
  });

  it("turning KEDA off clears the condition", async () => {
    setAutoscaling(world.server, undefined);
    await eventually(async () => {
      expect(condition(world.server, "AutoscalingReady")).toBeUndefined();
      expect(deploymentSpec(world.server)?.replicas).toBe(1);
    });
  });
});
