// The PromptPack reconciler: reads the pack and its ConfigMap from the caches, computes status with
// the pure promptPackStatus(), and applies it when it changed. It creates nothing: the agents using
// the pack mount its ConfigMap and roll through their pack-hash annotation (AgentRuntime reconciler).
import type { KubernetesObject, CustomObjectsApi, V1ConfigMap } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { PROMPT_PACK_CONDITIONS, promptPackStatus } from "../prompt-pack/status.js";
import { parseClusterObject } from "./agent-references.js";
import type { ClusterReader } from "./cluster-reader.js";
import { applyStatusIfChanged, invalidSpecMessage, invalidSpecStatus, storedConditions, storedStatus } from "./status-subresource.js";

export interface PromptPackReconcilerDeps {
  reader: ClusterReader;
  custom: CustomObjectsApi;
  log: Logger;
  now?: () => Date;
}

const str = (value: unknown) => (typeof value === "string" ? value : undefined);

/** The ConfigMap a stored PromptPack reads (without validating the rest), for requeueing on ConfigMap events. */
export function packConfigMapName(raw: KubernetesObject): string | undefined {
  const spec = (raw as { spec?: { source?: { configMapRef?: { name?: unknown } } } }).spec;
  return str(spec?.source?.configMapRef?.name);
}

export class PromptPackReconciler {
  constructor(private readonly deps: PromptPackReconcilerDeps) {}

  /** Reconciles `namespace/name`; throws on API errors so the queue retries with backoff. */
  async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split("/") as [string, string];
    const { reader, custom, log } = this.deps;
    const raw = reader.get("PromptPack", namespace, name);
    if (!raw || raw.metadata?.deletionTimestamp) return;
    const now = (this.deps.now?.() ?? new Date()).toISOString();
    const stored = storedStatus(raw);
    const previous = {
      ...(storedConditions(raw) ? { conditions: storedConditions(raw)! } : {}),
      ...(str(stored.activeVersion) !== undefined ? { activeVersion: str(stored.activeVersion)! } : {}),
      ...(str(stored.lastUpdated) !== undefined ? { lastUpdated: str(stored.lastUpdated)! } : {}),
    };
    const parsed = parseClusterObject(raw);
    if (!parsed.ok || parsed.object.kind !== "PromptPack") {
      const message = invalidSpecMessage(parsed, "PromptPack");
      log.warn({ promptPack: key, message }, "invalid PromptPack");
      const status = invalidSpecStatus(raw, { kind: "PromptPack", conditionType: PROMPT_PACK_CONDITIONS.sourceValid, phase: "Failed", message, now });
      await applyStatusIfChanged(custom, raw, "PromptPack", "promptpacks", status);
      return;
    }
    const promptPack = parsed.object;
    const configMap = reader.get("ConfigMap", namespace, promptPack.spec.source.configMapRef.name) as V1ConfigMap | undefined;
    const status = promptPackStatus({ promptPack, configMap: configMap && { data: configMap.data ?? {} }, previous, now });
    if (await applyStatusIfChanged(custom, raw, "PromptPack", "promptpacks", status)) {
      log.info({ promptPack: key, phase: status.phase, activeVersion: status.activeVersion }, "status");
    }
  }
}
