// The HorizontalPodAutoscaler (autoscaling/v2) for `spec.runtime.autoscaling` with type hpa: CPU and
// memory utilisation targets and the scale-down stabilisation window, scaling the Deployment.
import type { V2HorizontalPodAutoscaler, V2MetricSpec } from "@kubernetes/client-node";
import type { AgentRuntimeInputs } from "./inputs.js";
import { type NamedMeta, objectMeta } from "./metadata.js";

export type DesiredAutoscaler = V2HorizontalPodAutoscaler & {
  apiVersion: "autoscaling/v2";
  kind: "HorizontalPodAutoscaler";
  metadata: NamedMeta;
};

function utilization(resource: "cpu" | "memory", averageUtilization: number): V2MetricSpec {
  return { type: "Resource", resource: { name: resource, target: { type: "Utilization", averageUtilization } } };
}

/** Undefined when autoscaling is off, or is KEDA (a ScaledObject instead: scaled-object.ts). */
export function desiredAutoscaler(inputs: AgentRuntimeInputs): DesiredAutoscaler | undefined {
  const { agent } = inputs.resolved;
  const scaling = agent.spec.runtime.autoscaling;
  if (scaling?.enabled !== true || scaling.type !== "hpa") return undefined;
  // An HPA cannot scale to zero (minReplicas 0 is KEDA's); it keeps one pod.
  const minReplicas = Math.max(1, scaling.minReplicas);
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: objectMeta(agent, agent.metadata.name),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: agent.metadata.name },
      minReplicas,
      maxReplicas: Math.max(minReplicas, scaling.maxReplicas),
      metrics: [utilization("cpu", scaling.targetCPU), utilization("memory", scaling.targetMemory)],
      behavior: { scaleDown: { stabilizationWindowSeconds: scaling.scaleDownStabilizationSeconds } },
    },
  };
}
