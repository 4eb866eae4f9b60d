// Everything the operator keeps in place for one AgentRuntime, in apply order: configuration first,
// then the Deployment that mounts it, the Service (and its Ingress), and the autoscaler. Pure: same inputs, same objects.
import { desiredAutoscaler, type DesiredAutoscaler } from "./autoscaler.js";
import { desiredCanaryDeployment, type DesiredDeployment, desiredDeployment } from "./deployment.js";
import { desiredBridgeTokenSecret, desiredEdgeWorkerConfigMap, type DesiredSecret } from "./edge.js";
import { type DesiredIngress, desiredGrpcWebIngress } from "./ingress.js";
import type { AgentRuntimeInputs } from "./inputs.js";
import { type DesiredScaledObject, desiredScaledObject } from "./scaled-object.js";
import { type DesiredService, desiredService } from "./service.js";
import { desiredCanaryToolsConfigMap, type DesiredConfigMap, desiredToolsConfigMap } from "./tools-config-map.js";

export type DesiredObject = DesiredConfigMap | DesiredSecret | DesiredDeployment | DesiredService | DesiredAutoscaler | DesiredScaledObject | DesiredIngress;

export function desired(inputs: AgentRuntimeInputs): DesiredObject[] {
  const objects: Array<DesiredObject | undefined> = [
    desiredToolsConfigMap(inputs),
    desiredCanaryToolsConfigMap(inputs),
    desiredBridgeTokenSecret(inputs),
    desiredEdgeWorkerConfigMap(inputs),
    desiredDeployment(inputs),
    desiredCanaryDeployment(inputs),
    desiredService(inputs),
    desiredGrpcWebIngress(inputs),
    desiredAutoscaler(inputs),
    desiredScaledObject(inputs),
  ];
  return objects.filter((o): o is DesiredObject => o !== undefined);
}
