// The OMNIA_* environment of an agent's runtime and facade containers, derived from a resolved
// agent. Pure, so local mode and the operator's Deployment builder produce identical variables.
import { renderMediaEnv } from "./media-env.js";
import type { Provider } from "./provider.js";
import type { ResolvedAgent } from "./resolve-agent.js";

export interface RuntimePaths {
  /** Directory containing pack.json (the reference mounts the pack ConfigMap at /etc/omnia/pack). */
  packDir: string;
  /** tools.yaml path (the reference mounts it at /etc/omnia/tools/tools.yaml). */
  toolsPath: string;
  /** Where the scripted mock file is; defaults to the annotation's path when the agent has one. */
  mockConfigPath?: string;
}

const DEFAULT_CONTEXT_TTL = "24h";

export function renderRuntimeEnv(agent: ResolvedAgent, paths: RuntimePaths): Record<string, string> {
  const { metadata, spec } = agent.agent;
  const env: Record<string, string> = {
    OMNIA_AGENT_NAME: metadata.name,
    OMNIA_NAMESPACE: metadata.namespace,
    OMNIA_PROMPTPACK_NAME: agent.promptPack.spec.packName,
    OMNIA_PROMPTPACK_VERSION: agent.promptPack.spec.version,
    OMNIA_PROMPTPACK_PATH: paths.packDir,
    OMNIA_TOOLS_CONFIG_PATH: paths.toolsPath,
    ...renderProviderEnv(agent.provider),
    OMNIA_CONTEXT_TTL: spec.context.ttl ?? DEFAULT_CONTEXT_TTL,
    ...renderMediaEnv(agent.agent),
  };
  const mockPath = paths.mockConfigPath ?? agent.mockConfig?.path;
  if (mockPath !== undefined) env.OMNIA_MOCK_CONFIG_PATH = mockPath;
  // User-supplied values come last so they can override ours, as container env order does.
  // Entries using valueFrom are resolved by Kubernetes and have no literal value to copy.
  for (const entry of spec.runtime.extraEnv) {
    if (entry.value !== undefined) env[entry.name] = entry.value;
  }
  return env;
}

/**
 * The Provider as OMNIA_PROVIDER_* variables. The key itself is never among them: a `secretRef` is
 * given to the container from its Secret under providerKeyEnvName(type) (the operator's
 * providerCredentialEnv), which the runtime reads by default; `envVar` and `filePath` are named here.
 */
export function renderProviderEnv(provider: Provider): Record<string, string> {
  const { type, model, baseURL, headers, credential, defaults, pricing } = provider.spec;
  const values: Record<string, string | undefined> = {
    OMNIA_PROVIDER_TYPE: type,
    OMNIA_PROVIDER_MODEL: model,
    OMNIA_PROVIDER_BASE_URL: baseURL,
    OMNIA_PROVIDER_HEADERS: headers && Object.keys(headers).length > 0 ? JSON.stringify(headers) : undefined,
    OMNIA_PROVIDER_CREDENTIAL_ENV: credential?.envVar,
    OMNIA_PROVIDER_CREDENTIAL_FILE: credential?.filePath,
    OMNIA_PROVIDER_TEMPERATURE: defaults?.temperature,
    OMNIA_PROVIDER_TOP_P: defaults?.topP,
    OMNIA_PROVIDER_MAX_TOKENS: defaults?.maxTokens?.toString(),
    OMNIA_PROVIDER_REQUEST_TIMEOUT: defaults?.requestTimeout,
    OMNIA_PROVIDER_STREAM_IDLE_TIMEOUT: defaults?.streamIdleTimeout,
    OMNIA_PROVIDER_INPUT_COST_PER_1K: pricing?.inputCostPer1K,
    OMNIA_PROVIDER_OUTPUT_COST_PER_1K: pricing?.outputCostPer1K,
  };
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The facade container's environment; the first facade is the one a pod serves. */
export function renderFacadeEnv(agent: ResolvedAgent): Record<string, string> {
  const { metadata, spec } = agent.agent;
  const facade = spec.facades[0];
  const env: Record<string, string> = {
    OMNIA_AGENT_NAME: metadata.name,
    OMNIA_NAMESPACE: metadata.namespace,
    OMNIA_FACADE_TYPE: facade?.type ?? "websocket",
    OMNIA_FACADE_PORT: String(facade?.port ?? 8080),
    OMNIA_HANDLER_MODE: facade?.handler ?? "runtime",
    ...renderMediaEnv(agent.agent),
  };
  if (facade?.clientToolTimeout !== undefined) env.OMNIA_CLIENT_TOOL_TIMEOUT = facade.clientToolTimeout;
  if (facade?.drainTimeout !== undefined) env.OMNIA_DRAIN_TIMEOUT = facade.drainTimeout;
  for (const entry of facade?.extraEnv ?? []) {
    if (entry.value !== undefined) env[entry.name] = entry.value;
  }
  return env;
}
