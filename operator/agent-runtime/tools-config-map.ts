// The `<name>-tools` ConfigMap: tools.yaml rendered from the agent's ToolRegistry (no handlers when
// it has none), mounted into the runtime at /etc/omnia/tools.
import type { V1ConfigMap } from "@kubernetes/client-node";
import { renderToolsConfig } from "../../shared/manifests/tools-config.js";
import { PATHS, toolsConfigMapName } from "./constants.js";
import type { AgentRuntimeInputs } from "./inputs.js";
import { type NamedMeta, objectMeta } from "./metadata.js";
import { CANARY_SUFFIX } from "./rollout.js";

export type DesiredConfigMap = V1ConfigMap & { apiVersion: "v1"; kind: "ConfigMap"; metadata: NamedMeta; data: Record<string, string> };

/** The canary's own tools.yaml, when the candidate names a ToolRegistry of its own. */
export function desiredCanaryToolsConfigMap(inputs: AgentRuntimeInputs): DesiredConfigMap | undefined {
  if (!inputs.canary?.ownTools) return undefined;
  const { agent } = inputs.resolved;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: objectMeta(agent, `${agent.metadata.name}${CANARY_SUFFIX}-tools`),
    data: { [PATHS.toolsFile]: renderToolsConfig(inputs.canary.resolved.toolRegistry) },
  };
}

export function desiredToolsConfigMap(inputs: AgentRuntimeInputs): DesiredConfigMap {
  const { agent, toolRegistry } = inputs.resolved;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: objectMeta(agent, toolsConfigMapName(agent.metadata.name)),
    data: { [PATHS.toolsFile]: renderToolsConfig(toolRegistry) },
  };
}
