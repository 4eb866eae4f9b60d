// What a reconciler reads: the controller's informer caches, by kind. Reads never go to the API
// server, so a reconcile that changes nothing makes no API call at all.
import type { KubernetesObject } from "@kubernetes/client-node";

export const WATCHED_KINDS = [
  "AgentRuntime",
  "PromptPack",
  "Provider",
  "ToolRegistry",
  "ConfigMap",
  "Secret",
  "Deployment",
  "Service",
  "HorizontalPodAutoscaler",
  "Ingress",
] as const;
export type WatchedKind = (typeof WATCHED_KINDS)[number];

/** The kinds an AgentRuntime owns (Secrets: only those labelled as ours are watched). */
export const OWNED_KINDS = ["ConfigMap", "Secret", "Deployment", "Service", "HorizontalPodAutoscaler", "Ingress"] as const satisfies readonly WatchedKind[];

export interface ClusterReader {
  get(kind: WatchedKind, namespace: string, name: string): KubernetesObject | undefined;
  list(kind: WatchedKind, namespace: string): readonly KubernetesObject[];
  /** The cached objects an AgentRuntime (by uid) controls. */
  ownedBy(ownerUid: string): readonly KubernetesObject[];
}
