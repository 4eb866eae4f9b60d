// Labels, object metadata and owner references shared by every object made for one AgentRuntime.
import type { V1ObjectMeta, V1OwnerReference } from "@kubernetes/client-node";
import type { AgentRuntime } from "../../shared/manifests/agent-runtime.js";
import { OMNIA_API_VERSION } from "../../shared/manifests/meta.js";
import { LABELS } from "./constants.js";

/** The labels of every object, and the Deployment's and Service's selector (as the reference sets them). */
export function agentLabels(agent: AgentRuntime): Record<string, string> {
  return {
    [LABELS.name]: "omnia-agent",
    [LABELS.instance]: agent.metadata.name,
    [LABELS.managedBy]: "omnia-operator",
    [LABELS.component]: "agent",
  };
}

/**
 * The AgentRuntime as controller owner, so deleting it deletes what it made. Only an object read
 * from a cluster has a uid; manifests rendered from files (`omnia render`) go without.
 */
export function ownerReferences(agent: AgentRuntime): V1OwnerReference[] | undefined {
  const uid = agent.metadata.uid;
  if (typeof uid !== "string" || uid === "") return undefined;
  return [
    { apiVersion: OMNIA_API_VERSION, kind: "AgentRuntime", name: agent.metadata.name, uid, controller: true, blockOwnerDeletion: true },
  ];
}

export type NamedMeta = V1ObjectMeta & { name: string; namespace: string; labels: Record<string, string> };

export function objectMeta(agent: AgentRuntime, name: string): NamedMeta {
  const owners = ownerReferences(agent);
  return {
    name,
    namespace: agent.metadata.namespace,
    labels: agentLabels(agent),
    ...(owners ? { ownerReferences: owners } : {}),
  };
}
