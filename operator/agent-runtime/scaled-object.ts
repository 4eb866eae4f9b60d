// The KEDA ScaledObject for `spec.runtime.autoscaling` with type keda, in place of the HPA. The
// reference scales on connections per pod (200); our facade exposes no connection metric (it has no
// /metrics endpoint), so the default trigger is CPU utilisation at targetCPU. Triggers listed in
// `keda.triggers` follow it, as written.
import type { IScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import type { AgentRuntimeInputs } from "./inputs.js";
import { type NamedMeta, objectMeta } from "./metadata.js";

export const KEDA_GROUP = "keda.sh";
export const KEDA_VERSION = "v1alpha1";
export const SCALED_OBJECT_PLURAL = "scaledobjects";

export type DesiredScaledObject = Omit<IScaledObject, "metadata"> & { metadata: NamedMeta };
type Trigger = IScaledObject["spec"]["triggers"][number];

/** Undefined unless autoscaling is enabled with type keda. */
export function desiredScaledObject(inputs: AgentRuntimeInputs): DesiredScaledObject | undefined {
  const { agent } = inputs.resolved;
  const scaling = agent.spec.runtime.autoscaling;
  if (scaling?.enabled !== true || scaling.type !== "keda") return undefined;
  const cpu: Trigger = { type: "cpu", metricType: "Utilization", metadata: { value: String(scaling.targetCPU) } };
  // Verbatim: KEDA's own schema (and the API server) judge fields we do not know.
  const extra = (scaling.keda?.triggers ?? []).map((t) => ({ ...t, metadata: t.metadata ?? {} }) as Trigger);
  return {
    apiVersion: `${KEDA_GROUP}/${KEDA_VERSION}`,
    kind: "ScaledObject",
    metadata: objectMeta(agent, agent.metadata.name),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: agent.metadata.name },
      // KEDA may scale to zero (minReplicas 0); the HPA it makes keeps maxReplicas >= 1.
      minReplicaCount: scaling.minReplicas,
      maxReplicaCount: Math.max(1, scaling.minReplicas, scaling.maxReplicas),
      cooldownPeriod: scaling.scaleDownStabilizationSeconds,
      ...(scaling.keda?.pollingInterval !== undefined ? { pollingInterval: scaling.keda.pollingInterval } : {}),
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: { scaleDown: { stabilizationWindowSeconds: scaling.scaleDownStabilizationSeconds } },
        },
      },
      triggers: [cpu, ...extra],
    },
  };
}
