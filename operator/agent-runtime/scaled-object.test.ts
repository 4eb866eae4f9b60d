import { describe, expect, it } from "vitest";
import { validateKubernetesObject } from "../testing/kubernetes-schema.js";
import { type AgentCase, resolvedAgent } from "../testing/resolved-agent.js";
import { desiredScaledObject } from "./scaled-object.js";

const render = (autoscaling: Record<string, unknown> | undefined, extra: AgentCase = {}) =>
  desiredScaledObject({ resolved: resolvedAgent({ ...extra, spec: { runtime: autoscaling ? { autoscaling } : {} } }) });

interface Case {
  name: string;
  autoscaling?: Record<string, unknown>;
  /** Undefined: no ScaledObject. */
  spec?: Record<string, unknown>;
}

const cpu = (value: string) => ({ type: "cpu", metricType: "Utilization", metadata: { value } });
const target = { apiVersion: "apps/v1", kind: "Deployment", name: "assistant" };
const scaleDown = (seconds: number) => ({ horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: seconds } } } });
/** The spec for the reference defaults: 1 to 100 replicas, CPU at 90%, 300 s cooldown. */
const DEFAULTS = { scaleTargetRef: target, minReplicaCount: 1, maxReplicaCount: 100, cooldownPeriod: 300, advanced: scaleDown(300), triggers: [cpu("90")] };
const PROMETHEUS = {
  type: "prometheus",
  name: "connections",
  metadata: { serverAddress: "http://prometheus.monitoring:9090", query: "sum(omnia_connections)", threshold: "200" },
  authenticationRef: { name: "prom-auth" },
};

const cases: Case[] = [
  { name: "no autoscaling: none" },
  { name: "autoscaling off with type keda: none", autoscaling: { enabled: false, type: "keda" } },
  { name: "type hpa: none (the HPA scales)", autoscaling: { enabled: true, type: "hpa" } },
  {
    name: "type keda with the defaults: 1 to 100 replicas, CPU at 90%, 300 s cooldown",
    autoscaling: { enabled: true, type: "keda" },
    spec: DEFAULTS,
  },
  {
    name: "type keda scales to zero, with its own bounds, cooldown and polling interval",
    autoscaling: { enabled: true, type: "keda", minReplicas: 0, maxReplicas: 5, targetCPU: 60, scaleDownStabilizationSeconds: 45, keda: { pollingInterval: 15 } },
    spec: { ...DEFAULTS, minReplicaCount: 0, maxReplicaCount: 5, cooldownPeriod: 45, pollingInterval: 15, advanced: scaleDown(45), triggers: [cpu("60")] },
  },
  {
    name: "type keda with triggers of its own: appended verbatim after the CPU trigger",
    autoscaling: { enabled: true, type: "keda", keda: { triggers: [PROMETHEUS] } },
    spec: { ...DEFAULTS, triggers: [cpu("90"), PROMETHEUS] },
  },
  {
    name: "maxReplicas below minReplicas: raised to minReplicas",
    autoscaling: { enabled: true, type: "keda", minReplicas: 4, maxReplicas: 2 },
    spec: expect.objectContaining({ minReplicaCount: 4, maxReplicaCount: 4 }) as Record<string, unknown>,
  },
];

describe("desiredScaledObject", () => {
  it.each(cases)("$name", ({ autoscaling, spec }) => {
    const object = render(autoscaling);
    if (spec === undefined) return expect(object).toBeUndefined();
    expect(object).toMatchObject({ apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name: "assistant", namespace: "default" } });
    expect(object?.spec).toEqual(spec);
    validateKubernetesObject(object!);
  });

  it("is owned by the AgentRuntime read from a cluster, so deleting the agent deletes it", () => {
    const object = render({ enabled: true, type: "keda" }, { metadata: { uid: "u-1" } });
    expect(object?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: "AgentRuntime", name: "assistant", uid: "u-1", controller: true })]);
  });

  it("rejects a trigger without a type, naming the field", () => {
    expect(() => render({ enabled: true, type: "keda", keda: { triggers: [{ metadata: {} }] } })).toThrow(/triggers/);
  });
});
