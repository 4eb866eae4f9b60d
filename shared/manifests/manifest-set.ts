// The validated objects of one manifest directory, by kind, keyed "namespace/name" (cluster-scoped
// kinds, i.e. Workspace, by name).
import type { AgentRuntime } from "./agent-runtime.js";
import type { ConfigMap } from "./config-map.js";
import { objectLabel } from "./manifest-error.js";
import type { PromptPack } from "./prompt-pack.js";
import type { Provider } from "./provider.js";
import type { Secret } from "./secret.js";
import type { ToolRegistry } from "./tool-registry.js";
import type { Workspace } from "./workspace.js";

export type ManifestObject = Provider | PromptPack | ToolRegistry | AgentRuntime | ConfigMap | Secret | Workspace;
export type ManifestKind = ManifestObject["kind"];

export interface ManifestSet {
  providers: Map<string, Provider>;
  promptPacks: Map<string, PromptPack>;
  toolRegistries: Map<string, ToolRegistry>;
  agentRuntimes: Map<string, AgentRuntime>;
  configMaps: Map<string, ConfigMap>;
  secrets: Map<string, Secret>;
  /** Cluster-scoped: keyed by name. */
  workspaces: Map<string, Workspace>;
  /** The file each object was read from, keyed by objectLabel(kind, namespace, name). */
  files: Map<string, string>;
}

export function emptyManifestSet(): ManifestSet {
  return {
    providers: new Map(),
    promptPacks: new Map(),
    toolRegistries: new Map(),
    agentRuntimes: new Map(),
    configMaps: new Map(),
    secrets: new Map(),
    workspaces: new Map(),
    files: new Map(),
  };
}

/** Map key within one kind: "namespace/name". */
export function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function labelOf(object: ManifestObject): string {
  if (object.kind === "Workspace") return `${object.kind} ${object.metadata.name}`;
  return objectLabel(object.kind, object.metadata.namespace, object.metadata.name);
}

/** The file an object was loaded from ("" when it was added by code rather than loaded). */
export function fileOf(set: ManifestSet, object: ManifestObject): string {
  return set.files.get(labelOf(object)) ?? "";
}

/**
 * Adds an object; returns the file of an existing object with the same kind, namespace and name
 * instead of replacing it, so the loader can report the duplicate.
 */
export function addObject(set: ManifestSet, object: ManifestObject, file: string): { duplicateOf?: string } {
  const key = object.kind === "Workspace" ? object.metadata.name : objectKey(object.metadata.namespace, object.metadata.name);
  const label = labelOf(object);
  const existing = set.files.get(label);
  if (existing !== undefined) return { duplicateOf: existing };
  switch (object.kind) {
    case "Provider":
      set.providers.set(key, object);
      break;
    case "PromptPack":
      set.promptPacks.set(key, object);
      break;
    case "ToolRegistry":
      set.toolRegistries.set(key, object);
      break;
    case "AgentRuntime":
      set.agentRuntimes.set(key, object);
      break;
    case "ConfigMap":
      set.configMaps.set(key, object);
      break;
    case "Secret":
      set.secrets.set(key, object);
      break;
    case "Workspace":
      set.workspaces.set(key, object);
      break;
  }
  set.files.set(label, file);
  return {};
}
