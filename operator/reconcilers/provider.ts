// The Provider reconciler: reads the Provider from the cache and its credential Secret through the
// per-Secret watches, computes status with the pure providerStatus(), and applies it when it changed.
import type { CustomObjectsApi, KubernetesObject, V1Secret } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { PROVIDER_CONDITIONS, providerSecretRef, providerStatus } from "../provider/status.js";
import { parseClusterObject } from "./agent-references.js";
import type { ClusterReader } from "./cluster-reader.js";
import { applyStatusIfChanged, invalidSpecMessage, invalidSpecStatus, storedConditions } from "./status-subresource.js";

export interface ProviderReconcilerDeps {
  reader: ClusterReader;
  /** The Secret as last seen (throws while that is not known yet). */
  secret: (namespace: string, name: string) => Promise<V1Secret | undefined>;
  custom: CustomObjectsApi;
  log: Logger;
  now?: () => Date;
}

/** The Secret a stored Provider names (without validating the rest), for watching and requeueing. */
export function referencedSecretName(raw: KubernetesObject): string | undefined {
  const spec = (raw as { spec?: { credential?: { secretRef?: { name?: unknown } }; secretRef?: { name?: unknown } } }).spec;
  const name = spec?.credential?.secretRef?.name ?? spec?.secretRef?.name;
  return typeof name === "string" ? name : undefined;
}

export class ProviderReconciler {
  constructor(private readonly deps: ProviderReconcilerDeps) {}

  /** Reconciles `namespace/name`; throws on API errors so the queue retries with backoff. */
  async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split("/") as [string, string];
    const { reader, custom, log } = this.deps;
    const raw = reader.get("Provider", namespace, name);
    if (!raw || raw.metadata?.deletionTimestamp) return;
    const now = (this.deps.now?.() ?? new Date()).toISOString();
    const parsed = parseClusterObject(raw);
    if (!parsed.ok || parsed.object.kind !== "Provider") {
      const message = invalidSpecMessage(parsed, "Provider");
      log.warn({ provider: key, message }, "invalid Provider");
      const status = invalidSpecStatus(raw, { kind: "Provider", conditionType: PROVIDER_CONDITIONS.credentialConfigured, phase: "Error", message, now });
      await applyStatusIfChanged(custom, raw, "Provider", "providers", status);
      return;
    }
    const provider = parsed.object;
    const ref = providerSecretRef(provider);
    const secret = ref ? await this.deps.secret(namespace, ref.name) : undefined;
    const status = providerStatus({ provider, secret, previousConditions: storedConditions(raw) ?? [], now });
    if (await applyStatusIfChanged(custom, raw, "Provider", "providers", status)) {
      log.info({ provider: key, phase: status.phase }, "status");
    }
  }
}
