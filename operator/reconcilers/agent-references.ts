// Resolves an AgentRuntime from the cluster with the shared resolver (the same one local mode and
// `omnia render` use): the objects it names are read from the caches, validated one by one by the
// manifest loader, and handed to resolveAgents. Its errors become the reference conditions.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { AgentRuntime } from "../../shared/manifests/agent-runtime.js";
import { loadManifestTexts } from "../../shared/manifests/load-manifests.js";
import { formatManifestError, type ManifestError, ManifestLoadError, objectLabel } from "../../shared/manifests/manifest-error.js";
import { addObject, emptyManifestSet, type ManifestObject, type ManifestSet } from "../../shared/manifests/manifest-set.js";
import { type ResolvedAgent, resolveAgents } from "../../shared/manifests/resolve-agent.js";
import type { ReferenceReadiness } from "../agent-runtime/status.js";
import { refKey } from "../controller/reference-index.js";
import type { ClusterReader, WatchedKind } from "./cluster-reader.js";

const SOURCE = "cluster";

type Reference = "promptPack" | "provider" | "toolRegistry";

export interface AgentReferences {
  resolved?: ResolvedAgent;
  readiness: { promptPack: ReferenceReadiness; provider: ReferenceReadiness; toolRegistry?: ReferenceReadiness };
  /** Every object looked at, found or not (`Kind/namespace/name`), for the reference index. */
  refs: string[];
}

type Parsed = { ok: true; object: ManifestObject } | { ok: false; errors: ManifestError[] };

// Keyed by the cached object itself: the informer replaces it on every change, so an entry is never
// stale, and the PromptPack, Provider and ToolRegistry a thousand agents share are validated once.
const parsedObjects = new WeakMap<KubernetesObject, Parsed>();

/** One object validated by the manifest loader; its errors otherwise. Callers must not mutate the result. */
export function parseClusterObject(object: KubernetesObject): Parsed {
  let parsed = parsedObjects.get(object);
  if (!parsed) {
    parsed = parseOnce(object);
    parsedObjects.set(object, parsed);
  }
  return parsed;
}

function parseOnce(object: KubernetesObject): Parsed {
  try {
    const set = loadManifestTexts([{ file: SOURCE, text: JSON.stringify(object) }]);
    const found = [set.agentRuntimes, set.promptPacks, set.providers, set.toolRegistries, set.configMaps, set.secrets, set.workspaces].flatMap((m) => [...m.values()]);
    const first = found[0];
    if (first) return { ok: true, object: first };
    return { ok: false, errors: [{ file: "", object: object.kind ?? "object", field: "", message: "not an object the operator reads" }] };
  } catch (err) {
    if (err instanceof ManifestLoadError) return { ok: false, errors: err.errors.map((e) => ({ ...e, file: "" })) };
    throw err;
  }
}

function classify(error: ManifestError, packConfigMap: string | undefined): Reference | undefined {
  const { object, field } = error;
  if (object.startsWith("Provider ") || field.startsWith("spec.providers") || field.startsWith("spec.providerRef")) return "provider";
  if (object === packConfigMap || object.startsWith("PromptPack ") || field.startsWith("spec.promptPackRef")) return "promptPack";
  if (object.startsWith("ToolRegistry ") || field.startsWith("spec.toolRegistryRef")) return "toolRegistry";
  return undefined;
}

const REASON_PREFIX: Record<Reference, string> = { promptPack: "PromptPack", provider: "Provider", toolRegistry: "ToolRegistry" };

function notReady(ref: Reference, errors: ManifestError[]): ReferenceReadiness {
  const notFound = errors.some((e) => e.message.includes("not found"));
  return {
    ready: false,
    reason: `${REASON_PREFIX[ref]}${notFound ? "NotFound" : "Invalid"}`,
    message: errors.map((e) => formatManifestError({ ...e, file: "" })).join("; "),
  };
}

export function resolveAgentReferences(agent: AgentRuntime, reader: ClusterReader): AgentReferences {
  const { namespace } = agent.metadata;
  const set: ManifestSet = emptyManifestSet();
  const refs: string[] = [];
  const errors = new Map<Reference | "other", ManifestError[]>();
  const fail = (ref: Reference | "other", e: ManifestError) => errors.set(ref, [...(errors.get(ref) ?? []), e]);

  addObject(set, agent, SOURCE);
  const load = (kind: WatchedKind, ns: string, name: string, ref: Reference | "other"): ManifestObject | undefined => {
    refs.push(refKey(kind, ns, name));
    const raw = reader.get(kind, ns, name);
    if (!raw) return undefined; // the resolver reports what is missing, in its own words
    const parsed = parseClusterObject(raw);
    if (!parsed.ok) {
      for (const e of parsed.errors) fail(ref, { ...e, object: e.object === "" ? objectLabel(kind, ns, name) : e.object });
      return undefined;
    }
    addObject(set, parsed.object, SOURCE);
    return parsed.object;
  };

  const providerRefs = agent.spec.providers?.map((p) => p.providerRef) ?? (agent.spec.providerRef ? [agent.spec.providerRef] : []);
  for (const ref of providerRefs) load("Provider", ref.namespace ?? namespace, ref.name, "provider");
  const pack = load("PromptPack", namespace, agent.spec.promptPackRef.name, "promptPack");
  let packConfigMap: string | undefined;
  if (pack?.kind === "PromptPack") {
    load("ConfigMap", namespace, pack.spec.source.configMapRef.name, "promptPack");
    packConfigMap = objectLabel("ConfigMap", namespace, pack.spec.source.configMapRef.name);
  }
  const tools = agent.spec.toolRegistryRef;
  if (tools) load("ToolRegistry", tools.namespace ?? namespace, tools.name, "toolRegistry");
  for (const volume of agent.spec.runtime.volumes) {
    const cm = volume.configMap?.name;
    if (cm !== undefined) load("ConfigMap", namespace, cm, "other");
  }

  let resolved: ResolvedAgent | undefined;
  if (errors.size === 0) {
    try {
      resolved = resolveAgents(set)[0];
    } catch (err) {
      if (!(err instanceof ManifestLoadError)) throw err;
      for (const e of err.errors) fail(classify(e, packConfigMap) ?? "other", e);
    }
  }
  // Errors about no one reference (e.g. the mock config file) are reported on the Provider: the mock
  // provider is what reads them.
  const other = errors.get("other");
  if (other) errors.set("provider", [...(errors.get("provider") ?? []), ...other]);

  const ok = (ref: Reference, message: string): ReferenceReadiness => ({ ready: true, reason: `${REASON_PREFIX[ref]}Resolved`, message });
  const readiness: AgentReferences["readiness"] = {
    promptPack: errors.has("promptPack")
      ? notReady("promptPack", errors.get("promptPack")!)
      : resolved
        ? ok("promptPack", `PromptPack "${resolved.promptPack.metadata.name}" version ${resolved.promptPack.spec.version}`)
        : { ready: true, reason: "PromptPackResolved", message: `PromptPack "${agent.spec.promptPackRef.name}" found` },
    provider: errors.has("provider")
      ? notReady("provider", errors.get("provider")!)
      : ok("provider", resolved ? `Provider "${resolved.provider.metadata.name}" (${resolved.provider.spec.type})` : "Provider found"),
    ...(tools
      ? { toolRegistry: errors.has("toolRegistry") ? notReady("toolRegistry", errors.get("toolRegistry")!) : ok("toolRegistry", `ToolRegistry "${tools.name}"`) }
      : {}),
  };
  return { ...(resolved ? { resolved } : {}), readiness, refs };
}
