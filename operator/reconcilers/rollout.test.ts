// A canary rollout, run by the operator's controller against the in-process API server: the
// candidate pack in a second Deployment with replicas by weight, the step advancing when its pause
// ends, a rollback by removing spec.rollout, and a promote by moving the candidate into the spec.
import { KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packConfigMap, promptPack, validPackJson } from "../../shared/manifests/test-fixtures.js";
import { eventually } from "../../test/helpers/eventually.js";
import { startKubeTestServer, type KubeObject, type KubeTestServer } from "../../test/helpers/kube-test-server.js";
import { HASH_ANNOTATIONS } from "../agent-runtime/constants.js";
import type { AgentRuntimeController } from "../controller/agent-runtime-controller.js";
import { testController } from "../testing/controller-harness.js";
import { yamlObjects } from "../testing/yaml-dir.js";

const AR = "omnia.altairalabs.ai/v1alpha1";
const ns = "default";

type Deployment = { spec: { replicas?: number; template: { metadata: { annotations?: Record<string, string> } } } };
type Status = { rollout?: { step: number; weight: number; stableReplicas: number; canaryReplicas: number; candidateVersion?: string }; conditions?: Array<{ type: string; status: string; reason: string; message: string }> };

describe("canary rollout", () => {
  let server: KubeTestServer;
  let controller: AgentRuntimeController;

  const deployment = (name: string) => server.state.get("apps/v1", "Deployment", name, ns) as (KubeObject & Deployment) | undefined;
  const status = () => server.state.get(AR, "AgentRuntime", "assistant", ns)?.status as Status | undefined;
  const changeSpec = (change: (spec: Record<string, unknown>) => void) =>
    server.state.mutate(AR, "AgentRuntime", "assistant", ns, (a) => change(a.spec as Record<string, unknown>));

  beforeAll(async () => {
    server = await startKubeTestServer({ crds: await yamlObjects<KubeObject>("deploy/crds") });
    const api = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    for (const object of await yamlObjects<KubeObject>("deploy/examples")) await api.create(object as KubernetesObject);
    const nextPack = { ...validPackJson, version: "2.0.0" };
    await api.create({ ...packConfigMap("next-pack", nextPack), metadata: { name: "next-pack", namespace: ns } } as KubernetesObject);
    const pack = promptPack("next", "next-pack");
    await api.create({ ...pack, metadata: { name: "next", namespace: ns }, spec: { ...pack.spec, version: "2.0.0" } } as KubernetesObject);
    controller = testController(server);
    await controller.start();
    await eventually(async () => expect(deployment("assistant")).toBeDefined());
  });
  afterAll(async () => {
    await controller?.stop();
    await server?.close();
  });

  it("runs the candidate beside the stable pods with replicas by weight, and moves to the next step when the pause ends", async () => {
    changeSpec((spec) => {
      spec.runtime = { ...(spec.runtime as object), replicas: 2 };
      spec.rollout = { candidate: { promptPackRef: { name: "next" } }, steps: [{ setWeight: 50, pause: { duration: "1s" } }, { setWeight: 100 }] };
    });
    await eventually(async () => {
      expect(deployment("assistant-canary")?.spec.replicas).toBe(1);
      expect(deployment("assistant")?.spec.replicas).toBe(1);
      expect(status()?.rollout).toMatchObject({ step: 0, weight: 50, stableReplicas: 1, canaryReplicas: 1, candidateVersion: "2.0.0" });
      expect(status()?.conditions?.find((c) => c.type === "RolloutActive")).toMatchObject({ status: "True", message: expect.stringContaining("step 1 of 2: weight 50%") });
    });
    const stableHash = deployment("assistant")?.spec.template.metadata.annotations?.[HASH_ANNOTATIONS.pack];
    expect(deployment("assistant-canary")?.spec.template.metadata.annotations?.[HASH_ANNOTATIONS.pack]).not.toBe(stableHash);
    // The pause ends without anyone touching the object: the operator comes back on its own.
    await eventually(async () => {
      expect(status()?.rollout).toMatchObject({ step: 1, weight: 100, stableReplicas: 0, canaryReplicas: 2 });
      expect(deployment("assistant")?.spec.replicas).toBe(0);
      expect(deployment("assistant-canary")?.spec.replicas).toBe(2);
    }, 10_000);
  });

  it("rolls back when spec.rollout is removed: the canary goes, the stable pods come back", async () => {
    changeSpec((spec) => {
      delete spec.rollout;
    });
    await eventually(async () => {
      expect(deployment("assistant-canary")).toBeUndefined();
      expect(deployment("assistant")?.spec.replicas).toBe(2);
      expect(status()?.rollout).toBeUndefined();
      expect(status()?.conditions?.map((c) => c.type)).not.toContain("RolloutActive");
    });
  });

  it("reports a candidate that does not resolve, and keeps the stable pods", async () => {
    changeSpec((spec) => {
      spec.rollout = { candidate: { promptPackRef: { name: "missing" } }, steps: [{ setWeight: 10 }] };
    });
    await eventually(async () =>
      expect(status()?.conditions?.find((c) => c.type === "RolloutActive")).toMatchObject({ status: "False", reason: "CandidateInvalid", message: expect.stringContaining("missing") }),
    );
    expect(deployment("assistant-canary")).toBeUndefined();
    expect(deployment("assistant")?.spec.replicas).toBe(2);
  });

  it("promotes when the candidate's references move into the spec", async () => {
    const canaryHash = await (async () => {
      changeSpec((spec) => {
        spec.rollout = { candidate: { promptPackRef: { name: "next" } }, steps: [{ setWeight: 50 }] };
      });
      return eventually(async () => {
        const hash = deployment("assistant-canary")?.spec.template.metadata.annotations?.[HASH_ANNOTATIONS.pack];
        expect(hash).toBeDefined();
        return hash;
      });
    })();
    changeSpec((spec) => {
      spec.promptPackRef = { name: "next" };
      delete spec.rollout;
    });
    await eventually(async () => {
      expect(deployment("assistant-canary")).toBeUndefined();
      expect(deployment("assistant")?.spec.template.metadata.annotations?.[HASH_ANNOTATIONS.pack]).toBe(canaryHash);
      expect(deployment("assistant")?.spec.replicas).toBe(2);
    });
  });
});
