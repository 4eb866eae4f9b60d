// Deleting an AgentRuntime's edge Worker from Cloudflare when the AgentRuntime is deleted ("Delete
// Worker": DELETE /accounts/{account_id}/workers/scripts/{script_name}?force=true; force, because the
// Worker implements its own Durable Object class, whose sessions go with it). A 404 means it is gone
// already; a 5xx or no answer throws so the work queue retries with backoff; anything else that stops
// it (the Cloudflare Secret missing or incomplete, a refusal) is reported as the EdgeWorkerDeleted
// condition, and the finalizer stays: the Worker is never left behind without a word. Removing the
// finalizer by hand leaves it behind on purpose.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { ConditionUpdate } from "../agent-runtime/conditions.js";
import { workerUploadUrl } from "../agent-runtime/edge-worker-script.js";
import { requestedEdgeFacade } from "../agent-runtime/inputs.js";
import type { EdgeWorkerSettings } from "../agent-runtime/settings.js";
import { workerName } from "../agent-runtime/wrangler-config.js";
import { parseClusterObject } from "./agent-references.js";
import { AGENT_FINALIZER } from "./agent-finalizer.js";
import { cloudflareAnswer, cloudflareCredentials, CloudflareUnavailableError, type EdgeWorkerUploaderDeps, redact } from "./edge-worker-upload.js";

export const EDGE_WORKER_DELETED_CONDITION = "EdgeWorkerDeleted";

export interface EdgeWorkerDeleteDeps {
  secret: EdgeWorkerUploaderDeps["secret"];
  settings: EdgeWorkerSettings;
  log: Logger;
  fetch?: typeof fetch;
}

export type EdgeWorkerDeletion = { gone: true } | { gone: false; condition: ConditionUpdate };

/** The Cloudflare Secret the stored AgentRuntime names for its edge facade, if it still parses and names one. */
export function cloudflareSecretName(raw: KubernetesObject): string | undefined {
  const parsed = parseClusterObject(raw);
  if (!parsed.ok || parsed.object.kind !== "AgentRuntime") return undefined;
  return requestedEdgeFacade({ agent: parsed.object })?.edge?.cloudflareSecretRef.name;
}

export async function deleteEdgeWorker(deps: EdgeWorkerDeleteDeps, raw: KubernetesObject): Promise<EdgeWorkerDeletion> {
  const namespace = raw.metadata?.namespace ?? "";
  const name = raw.metadata?.name ?? "";
  const scriptName = workerName(namespace, name);
  const blocked = (reason: string, why: string): EdgeWorkerDeletion => ({
    gone: false,
    condition: {
      type: EDGE_WORKER_DELETED_CONDITION,
      status: "False",
      reason,
      message: `Worker ${scriptName} could not be deleted from Cloudflare: ${why}. The AgentRuntime stays until it is; to leave the Worker behind, remove the finalizer ${AGENT_FINALIZER} by hand`,
    },
  });
  const secretName = cloudflareSecretName(raw);
  if (secretName === undefined) return blocked("CloudflareSecretUnknown", "the AgentRuntime no longer names its Cloudflare Secret (facades[].edge.cloudflareSecretRef)");
  const credentials = await cloudflareCredentials(deps.secret, namespace, secretName);
  if (!credentials.ok) return blocked(credentials.reason, credentials.message);
  const { apiToken } = credentials;
  const url = `${workerUploadUrl(deps.settings.cloudflareApiUrl, { accountId: credentials.accountId, scriptName })}?force=true`;
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(url, { method: "DELETE", headers: { authorization: `Bearer ${apiToken}` }, signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    throw new CloudflareUnavailableError(redact(`deleting Worker ${scriptName}: ${err instanceof Error ? err.message : String(err)}`, apiToken));
  }
  const { refused, detail } = cloudflareAnswer(response, await response.text(), apiToken);
  if (response.status >= 500) throw new CloudflareUnavailableError(`Cloudflare answered ${response.status} to the deletion of Worker ${scriptName}: ${detail}`);
  if (response.status === 404) return { gone: true };
  if (refused) return blocked("DeleteRejected", `Cloudflare refused (HTTP ${response.status}): ${detail}`);
  deps.log.info({ agent: `${namespace}/${name}`, worker: scriptName }, "deleted the edge Worker from Cloudflare");
  return { gone: true };
}
