// Follows each AgentRuntime's references through a ManifestSet: its LLM Provider, its PromptPack
// and the pack.json that pack points at, its ToolRegistry, and its scripted mock file. This is
// the part of the operator's reconcile that local mode needs too, so both report the same errors.
import { type AgentRuntime, MOCK_CONFIG_PATH_ANNOTATION, MOCK_PROVIDER_ANNOTATION } from "./agent-runtime.js";
import type { ConfigMap } from "./config-map.js";
import { type ManifestError, ManifestLoadError } from "./manifest-error.js";
import { fileOf, labelOf, type ManifestObject, type ManifestSet, objectKey } from "./manifest-set.js";
import { resolveMountedFile } from "./mounted-file.js";
import { type PackContent, validatePackContent } from "./pack-content.js";
import { PACK_CONFIGMAP_KEY, type PromptPack } from "./prompt-pack.js";
import { OMNIA_API_VERSION } from "./meta.js";
import type { Provider } from "./provider.js";
import type { ToolRegistry } from "./tool-registry.js";

export interface ResolvedMockConfig {
  /** Path inside the runtime container, from the annotation. */
  path: string;
  configMap: ConfigMap;
  key: string;
  text: string;
}

export interface ResolvedAgent {
  agent: AgentRuntime;
  provider: Provider;
  promptPack: PromptPack;
  packConfigMap: ConfigMap;
  /** pack.json exactly as stored (what a runtime reads from its pack directory). */
  packJson: string;
  pack: PackContent;
  toolRegistry?: ToolRegistry;
  mockConfig?: ResolvedMockConfig;
}

type LoadedPack = Pick<ResolvedAgent, "promptPack" | "packConfigMap" | "packJson" | "pack">;

class Resolver {
  readonly errors: ManifestError[] = [];
  constructor(private readonly set: ManifestSet) {}

  error(at: ManifestObject, field: string, message: string): void {
    this.errors.push({ file: fileOf(this.set, at), object: labelOf(at), field, message });
  }

  resolve(agent: AgentRuntime): ResolvedAgent | undefined {
    const before = this.errors.length;
    const provider = this.provider(agent);
    const pack = this.promptPack(agent);
    const toolRegistry = this.toolRegistry(agent);
    const mockConfig = this.mockConfig(agent);
    if (this.errors.length > before || !provider || !pack) return undefined;
    return { agent, provider, ...pack, ...(toolRegistry && { toolRegistry }), ...(mockConfig && { mockConfig }) };
  }

  private provider(agent: AgentRuntime): Provider | undefined {
    const { namespace } = agent.metadata;
    // The reference honours this annotation before any Provider: demos and e2e run without keys.
    if (agent.metadata.annotations?.[MOCK_PROVIDER_ANNOTATION] === "true") {
      return {
        apiVersion: OMNIA_API_VERSION,
        kind: "Provider",
        metadata: { name: "mock", namespace },
        spec: { type: "mock", role: "llm", model: "mock-model" },
      };
    }
    const { providers, providerRef } = agent.spec;
    let ref = providerRef;
    let field = "spec.providerRef.name";
    if (providers !== undefined) {
      const index = providers.findIndex((p) => p.role === "llm");
      const entry = providers[index];
      if (!entry) {
        this.error(agent, "spec.providers", "no provider with role llm");
        return undefined;
      }
      ref = entry.providerRef;
      field = `spec.providers[${index}].providerRef.name`;
    }
    if (!ref) {
      this.error(agent, "spec.providers", "required: an llm provider (providers[] or providerRef)");
      return undefined;
    }
    const ns = ref.namespace ?? namespace;
    const provider = this.set.providers.get(objectKey(ns, ref.name));
    if (!provider) {
      this.error(agent, field, `Provider "${ref.name}" not found in namespace ${ns}`);
      return undefined;
    }
    if (provider.spec.role !== "llm") {
      this.error(agent, field, `Provider "${ref.name}" has role ${provider.spec.role}, expected llm`);
      return undefined;
    }
    return provider;
  }

  private promptPack(agent: AgentRuntime): LoadedPack | undefined {
    const { namespace } = agent.metadata;
    const ref = agent.spec.promptPackRef;
    const promptPack = this.set.promptPacks.get(objectKey(namespace, ref.name));
    if (!promptPack) {
      this.error(agent, "spec.promptPackRef.name", `PromptPack "${ref.name}" not found in namespace ${namespace}`);
      return undefined;
    }
    if (ref.version !== undefined && ref.version !== promptPack.spec.version) {
      this.error(agent, "spec.promptPackRef.version", `PromptPack "${ref.name}" is version ${promptPack.spec.version}, not ${ref.version}`);
      return undefined;
    }
    return this.packContent(promptPack);
  }

  // Memoised: several agents may share one PromptPack, and its errors should be reported once.
  private readonly packs = new Map<PromptPack, LoadedPack | undefined>();

  private packContent(promptPack: PromptPack): LoadedPack | undefined {
    if (!this.packs.has(promptPack)) this.packs.set(promptPack, this.loadPackContent(promptPack));
    return this.packs.get(promptPack);
  }

  private loadPackContent(promptPack: PromptPack): LoadedPack | undefined {
    const { namespace } = promptPack.metadata;
    const cmName = promptPack.spec.source.configMapRef.name;
    const packConfigMap = this.set.configMaps.get(objectKey(namespace, cmName));
    if (!packConfigMap) {
      this.error(promptPack, "spec.source.configMapRef.name", `ConfigMap "${cmName}" not found in namespace ${namespace}`);
      return undefined;
    }
    const packJson = packConfigMap.data[PACK_CONFIGMAP_KEY];
    if (packJson === undefined) {
      this.error(packConfigMap, `data.${PACK_CONFIGMAP_KEY}`, `missing: PromptPack "${promptPack.metadata.name}" reads its content from this key`);
      this.error(promptPack, "spec.source.configMapRef.name", `ConfigMap "${cmName}" has no key ${PACK_CONFIGMAP_KEY}`);
      return undefined;
    }
    let json: unknown;
    try {
      json = JSON.parse(packJson);
    } catch (err) {
      this.error(packConfigMap, `data.${PACK_CONFIGMAP_KEY}`, `invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
      this.error(promptPack, "spec.source.configMapRef.name", `ConfigMap "${cmName}" key ${PACK_CONFIGMAP_KEY} is not valid JSON`);
      return undefined;
    }
    const result = validatePackContent(json);
    if (!result.ok) {
      for (const message of result.errors) this.error(packConfigMap, `data.${PACK_CONFIGMAP_KEY}`, message);
      this.error(
        promptPack,
        "spec.source.configMapRef.name",
        `ConfigMap "${cmName}" key ${PACK_CONFIGMAP_KEY} is not a valid PromptPack 1.4.0 (${result.errors.length} schema error${result.errors.length === 1 ? "" : "s"})`,
      );
      return undefined;
    }
    return { promptPack, packConfigMap, packJson, pack: result.pack };
  }

  private toolRegistry(agent: AgentRuntime): ToolRegistry | undefined {
    const ref = agent.spec.toolRegistryRef;
    if (!ref) return undefined;
    const ns = ref.namespace ?? agent.metadata.namespace;
    const registry = this.set.toolRegistries.get(objectKey(ns, ref.name));
    if (!registry) this.error(agent, "spec.toolRegistryRef.name", `ToolRegistry "${ref.name}" not found in namespace ${ns}`);
    return registry;
  }

  private mockConfig(agent: AgentRuntime): ResolvedMockConfig | undefined {
    const path = agent.metadata.annotations?.[MOCK_CONFIG_PATH_ANNOTATION];
    if (path === undefined) return undefined;
    const field = `metadata.annotations["${MOCK_CONFIG_PATH_ANNOTATION}"]`;
    const found = resolveMountedFile(path, agent.spec.runtime.volumes, agent.spec.runtime.volumeMounts);
    if (!found.ok) {
      this.error(agent, field, found.message);
      return undefined;
    }
    const { namespace } = agent.metadata;
    const configMap = this.set.configMaps.get(objectKey(namespace, found.configMapName));
    if (!configMap) {
      this.error(agent, `spec.runtime.volumes[${found.volumeIndex}].configMap.name`, `ConfigMap "${found.configMapName}" not found in namespace ${namespace}`);
      return undefined;
    }
    const text = configMap.data[found.key];
    if (text === undefined) {
      this.error(agent, field, `ConfigMap "${found.configMapName}" has no key ${found.key} (needed for ${path})`);
      return undefined;
    }
    return { path, configMap, key: found.key, text };
  }
}

/** Resolves every AgentRuntime in the set; throws ManifestLoadError listing every broken reference. */
/** One AgentRuntime (e.g. a rollout's candidate, not itself in the set) against the set's objects. */
export function resolveAgent(set: ManifestSet, agent: AgentRuntime): ResolvedAgent {
  const resolver = new Resolver(set);
  const resolved = resolver.resolve(agent);
  if (resolver.errors.length > 0 || !resolved) throw new ManifestLoadError(resolver.errors);
  return resolved;
}

export function resolveAgents(set: ManifestSet): ResolvedAgent[] {
  const resolver = new Resolver(set);
  const agents: ResolvedAgent[] = [];
  for (const agent of set.agentRuntimes.values()) {
    const resolved = resolver.resolve(agent);
    if (resolved) agents.push(resolved);
  }
  if (resolver.errors.length > 0) throw new ManifestLoadError(resolver.errors);
  return agents;
}
