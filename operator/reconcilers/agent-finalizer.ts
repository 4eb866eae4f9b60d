// The AgentRuntime's finalizer (the reference's name), carried while the agent's edge Worker may
// exist at Cloudflare: owner references cannot reach outside the cluster, so deletion waits until
// the operator has deleted the Worker. Set and cleared by a JSON merge patch of metadata.finalizers
// alone (not by applying the AgentRuntime, whose fields are the user's), carrying the
// resourceVersion read: merge patch replaces the list whole, so a finalizer someone else added
// meanwhile turns it into a 409 instead of being lost; the object is then read again and the
// patch tried once more.
import { ApiException, type KubernetesObject, type KubernetesObjectApi, PatchStrategy } from "@kubernetes/client-node";
import { OMNIA_API_VERSION } from "../../shared/manifests/meta.js";
import { FIELD_MANAGER } from "./applied-object.js";

export const AGENT_FINALIZER = "agentruntime.omnia.altairalabs.ai/finalizer";

export function hasAgentFinalizer(raw: KubernetesObject): boolean {
  return raw.metadata?.finalizers?.includes(AGENT_FINALIZER) === true;
}

const isCode = (err: unknown, code: number) => err instanceof ApiException && err.code === code;

/** Adds (`present`) or removes the finalizer; nothing is sent when it already is as wanted. */
export async function setAgentFinalizer(objects: KubernetesObjectApi, raw: KubernetesObject, present: boolean): Promise<void> {
  const name = raw.metadata?.name ?? "";
  const namespace = raw.metadata?.namespace ?? "";
  let current = raw;
  for (let attempt = 1; ; attempt++) {
    const finalizers = current.metadata?.finalizers ?? [];
    if (finalizers.includes(AGENT_FINALIZER) === present) return;
    const next = present ? [...finalizers, AGENT_FINALIZER] : finalizers.filter((f) => f !== AGENT_FINALIZER);
    const metadata = { name, namespace, resourceVersion: current.metadata?.resourceVersion, finalizers: next };
    try {
      await objects.patch({ apiVersion: OMNIA_API_VERSION, kind: "AgentRuntime", metadata }, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch);
      return;
    } catch (err) {
      // Gone already: nothing left to hold or release.
      if (isCode(err, 404)) return;
      if (!isCode(err, 409) || attempt > 1) throw err;
    }
    try {
      current = await objects.read({ apiVersion: OMNIA_API_VERSION, kind: "AgentRuntime", metadata: { name, namespace } });
    } catch (err) {
      if (isCode(err, 404)) return;
      throw err;
    }
  }
}
