// The agent's Service: the facade port for clients in the cluster, and the runtime's gRPC-web port
// when a facade runs at the edge. The runtime's plain gRPC port stays inside the pod.
import type { V1Service, V1ServicePort } from "@kubernetes/client-node";
import { PORT_NAMES, PORTS } from "./constants.js";
import { type AgentRuntimeInputs, edgeFacade, podFacade } from "./inputs.js";
import { agentLabels, type NamedMeta, objectMeta } from "./metadata.js";

export type DesiredService = V1Service & { apiVersion: "v1"; kind: "Service"; metadata: NamedMeta };

export function facadeServicePort(inputs: AgentRuntimeInputs): number {
  return podFacade(inputs.resolved)?.port ?? PORTS.facade;
}

export function desiredService(inputs: AgentRuntimeInputs): DesiredService {
  const { agent } = inputs.resolved;
  const ports: V1ServicePort[] = [
    { name: PORT_NAMES.facade, port: facadeServicePort(inputs), targetPort: PORT_NAMES.facade, protocol: "TCP" },
  ];
  if (edgeFacade(inputs.resolved)) {
    ports.push({ name: PORT_NAMES.grpcWeb, port: PORTS.grpcWeb, targetPort: PORT_NAMES.grpcWeb, protocol: "TCP" });
  }
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: objectMeta(agent, agent.metadata.name),
    spec: { type: "ClusterIP", selector: agentLabels(agent), ports },
  };
}

/** Where clients in the cluster reach the agent (status.serviceEndpoint, as the reference writes it). */
export function serviceEndpoint(namespace: string, name: string, port: number): string {
  return `${name}.${namespace}.svc.cluster.local:${port}`;
}
