// The runtime's configuration: every OMNIA_* variable it honours, parsed once at start into a typed
// value. Nothing else in runtime/ reads process.env, so a misconfiguration fails here, naming the
// variable, instead of surfacing mid-turn.
import * as v from "valibot";
import { parseDuration } from "../shared/config/duration.js";
import { providerKeyEnvName } from "../shared/manifests/provider.js";
import { MediaConfigError, parseMediaConfig, type MediaConfig } from "../shared/media/media-config.js";
import { BridgeToken } from "./grpc-web/bridge-token.js";
import { ApiKey } from "./providers/ai-sdk/api-key.js";

export interface RuntimeConfig {
  agentName: string;
  namespace: string;
  grpc: { host: string; port: number };
  health: { host: string; port: number };
  /** The gRPC-web port for edge facades (runtime/grpc-web/); absent when off. */
  grpcWeb?: GrpcWebConfig;
  promptPack: { path: string; name?: string; version?: string; promptName: string };
  toolsConfigPath: string;
  /** Where the tool handlers' credentials are mounted, one file per handler (the `<agent>-tool-secrets` Secret). */
  tools: { secretsDir: string };
  provider: ProviderConfig;
  mock: { configPath?: string; chunkDelayMs: number };
  /** With Redis, the facades' turn journal lives there too, and the runtime finishes turns whose facade died. */
  session: { redisUrl?: string; ttlMs: number; turnLeaseMs: number };
  /** The facade's media storage (OMNIA_MEDIA_*), which the runtime reads the media of message parts from. */
  media: MediaConfig;
  /** The pod (HOSTNAME), naming this runtime as a turn owner. */
  instanceName: string;
  clientToolTimeoutMs: number;
  logLevel: LogLevel;
}

export const RUNTIME_PROVIDER_TYPES = ["mock", "claude", "openai", "gemini", "ollama", "vllm"] as const;
export type RuntimeProviderType = (typeof RUNTIME_PROVIDER_TYPES)[number];

/** The LLM provider, as the operator renders a Provider into OMNIA_PROVIDER_* variables. */
export interface ProviderConfig {
  type: RuntimeProviderType;
  model: string;
  baseURL?: string;
  /** Extra HTTP headers sent with every request (OMNIA_PROVIDER_HEADERS, a JSON object). */
  headers: Record<string, string>;
  /** The key, read from the variable the credential names (or the type's default variable). */
  apiKey?: ApiKey;
  /** A file holding the key instead (credential.filePath), read when the model is built. */
  apiKeyFile?: string;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  /** The whole model call, retries included. */
  requestTimeoutMs?: number;
  /** Longest silence allowed between two parts of a streamed answer. */
  streamIdleTimeoutMs?: number;
  /** Retries after a 429 or 5xx (honouring Retry-After up to 60s); 0 turns retrying off. */
  maxRetries: number;
  pricing: { inputCostPer1K: number; outputCostPer1K: number };
}

// Providers that refuse every request without a key; for Ollama and vLLM a key is optional.
const KEY_REQUIRED: ReadonlySet<RuntimeProviderType> = new Set(["claude", "openai", "gemini"]);

/**
 * The gRPC-web listener is on when OMNIA_GRPC_WEB_PORT names a port, or when a bridge token is
 * configured (the operator sets one for an edge placement; the port is then 9002), and off when
 * OMNIA_GRPC_WEB_PORT is `off` or neither is set: every runtime on a machine binding 9002 by
 * default would collide. Without a token it may only listen on a loopback host, and runs open.
 */
export interface GrpcWebConfig {
  host: string;
  port: number;
  /** A ConverseTurn stream with nothing else to send sends a Heartbeat after this long. */
  heartbeatMs: number;
  /** The bearer token callers must present (OMNIA_BRIDGE_TOKEN). */
  token?: BridgeToken;
  /** The file holding it instead (OMNIA_BRIDGE_TOKEN_FILE, a mounted Secret), read at start. */
  tokenFile?: string;
}

export const GRPC_WEB_DEFAULT_PORT = 9002;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`invalid runtime configuration:\n  ${problems.join("\n  ")}`);
  }
}

// Every value arrives as a trimmed string or undefined (see normalize below).
const OptionalText = v.optional(v.string());

function withDefault<T>(schema: v.GenericSchema<string, T>, fallback: string) {
  return v.optional(schema, fallback);
}

const Port = v.pipe(
  v.string(),
  v.regex(/^\d+$/, (issue) => `must be a port number, got "${issue.input}"`),
  v.transform(Number),
  v.minValue(1, "must be between 1 and 65535"),
  v.maxValue(65535, "must be between 1 and 65535"),
);

const PortOrOff = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const text = dataset.value;
    if (text.toLowerCase() === "off") return "off" as const;
    const port = /^\d+$/.test(text) ? Number(text) : NaN;
    if (port >= 1 && port <= 65535) return port;
    addIssue({ message: `must be a port number (1-65535) or "off", got "${text}"` });
    return NEVER;
  }),
);

const NonNegativeInteger = v.pipe(
  v.string(),
  v.regex(/^\d+$/, (issue) => `must be a whole number of milliseconds, got "${issue.input}"`),
  v.transform(Number),
);

const Decimal = v.pipe(
  v.string(),
  v.regex(/^\d+(\.\d+)?$/, (issue) => `must be a non-negative decimal such as "0.003", got "${issue.input}"`),
  v.transform(Number),
);

const Duration = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      const ms = parseDuration(dataset.value);
      if (ms > 0) return ms;
      addIssue({ message: `must be a positive duration, got "${dataset.value}"` });
    } catch (err) {
      addIssue({ message: err instanceof Error ? err.message : String(err) });
    }
    return NEVER;
  }),
);

const Count = v.pipe(
  v.string(),
  v.regex(/^\d+$/, (issue) => `must be a whole number, got "${issue.input}"`),
  v.transform(Number),
);

const PositiveCount = v.pipe(Count, v.minValue(1, "must be at least 1"));

const Headers = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(dataset.value);
    } catch {
      addIssue({ message: `must be a JSON object of header names to strings, such as {"X-Team":"support"}` });
      return NEVER;
    }
    const ok = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((x) => typeof x === "string");
    if (ok) return parsed as Record<string, string>;
    addIssue({ message: "must be a JSON object whose values are strings" });
    return NEVER;
  }),
);

const Url = v.pipe(v.string(), v.url((issue) => `must be a URL such as redis://host:6379, got "${issue.input}"`));

const Text = v.pipe(v.string(), v.minLength(1));

const EnvSchema = v.object({
  OMNIA_AGENT_NAME: v.string("is required (the AgentRuntime's name)"),
  OMNIA_NAMESPACE: withDefault(Text, "default"),
  OMNIA_GRPC_HOST: withDefault(Text, "127.0.0.1"),
  // In a pod the kubelet probes the pod IP: the operator sets 0.0.0.0 there.
  OMNIA_HEALTH_HOST: withDefault(Text, "127.0.0.1"),
  OMNIA_GRPC_PORT: withDefault(Port, "9000"),
  OMNIA_HEALTH_PORT: withDefault(Port, "9001"),
  // The edge facades' port: in a pod the operator sets 0.0.0.0 and a token.
  OMNIA_GRPC_WEB_HOST: withDefault(Text, "127.0.0.1"),
  OMNIA_GRPC_WEB_PORT: v.optional(PortOrOff),
  OMNIA_GRPC_WEB_HEARTBEAT: withDefault(Duration, "15s"),
  OMNIA_BRIDGE_TOKEN: OptionalText,
  OMNIA_BRIDGE_TOKEN_FILE: OptionalText,
  OMNIA_PROMPTPACK_PATH: withDefault(Text, "/etc/omnia/pack"),
  OMNIA_PROMPTPACK_NAME: OptionalText,
  OMNIA_PROMPTPACK_VERSION: OptionalText,
  OMNIA_PROMPT_NAME: withDefault(Text, "default"),
  OMNIA_TOOLS_CONFIG_PATH: withDefault(Text, "/etc/omnia/tools/tools.yaml"),
  OMNIA_TOOL_SECRETS_DIR: withDefault(Text, "/etc/omnia/tool-secrets"),
  OMNIA_PROVIDER_TYPE: withDefault(
    v.picklist(RUNTIME_PROVIDER_TYPES, (issue) => `${issue.received} is not supported (supported: ${RUNTIME_PROVIDER_TYPES.join(", ")})`),
    "mock",
  ),
  OMNIA_PROVIDER_MODEL: OptionalText,
  OMNIA_PROVIDER_BASE_URL: v.optional(v.pipe(v.string(), v.url((issue) => `must be a URL such as http://localhost:11434/v1, got "${issue.input}"`))),
  OMNIA_PROVIDER_HEADERS: v.optional(Headers),
  OMNIA_PROVIDER_CREDENTIAL_ENV: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, (issue) => `must be an environment variable name, got "${issue.input}"`))),
  OMNIA_PROVIDER_CREDENTIAL_FILE: OptionalText,
  OMNIA_PROVIDER_TEMPERATURE: v.optional(Decimal),
  OMNIA_PROVIDER_TOP_P: v.optional(Decimal),
  OMNIA_PROVIDER_MAX_TOKENS: v.optional(PositiveCount),
  OMNIA_PROVIDER_REQUEST_TIMEOUT: v.optional(Duration),
  OMNIA_PROVIDER_STREAM_IDLE_TIMEOUT: v.optional(Duration),
  OMNIA_PROVIDER_MAX_RETRIES: withDefault(Count, "2"),
  OMNIA_PROVIDER_INPUT_COST_PER_1K: withDefault(Decimal, "0"),
  OMNIA_PROVIDER_OUTPUT_COST_PER_1K: withDefault(Decimal, "0"),
  OMNIA_MOCK_CONFIG_PATH: OptionalText,
  OMNIA_MOCK_CHUNK_DELAY_MS: withDefault(NonNegativeInteger, "0"),
  OMNIA_CONTEXT_URL: v.optional(Url),
  OMNIA_REDIS_URL: v.optional(Url),
  OMNIA_CONTEXT_TTL: v.optional(Duration),
  OMNIA_SESSION_TTL: v.optional(Duration),
  OMNIA_CLIENT_TOOL_TIMEOUT: withDefault(Duration, "75s"),
  OMNIA_TURN_LEASE: withDefault(Duration, "10s"),
  HOSTNAME: OptionalText,
  LOG_LEVEL: withDefault(
    v.pipe(
      v.string(),
      v.transform((level) => level.toLowerCase()),
      v.picklist(LOG_LEVELS, (issue) => `${issue.received} is not one of ${LOG_LEVELS.join(", ")}`),
    ),
    "info",
  ),
});

// Kubernetes renders unset optional values as empty strings, so blank means absent. Every known key
// is present (possibly undefined) so that defaults run through their schema like given values.
function normalize(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(EnvSchema.entries)) {
    const value = env[key]?.trim();
    out[key] = value === undefined || value === "" ? undefined : value;
  }
  return out;
}

/** Parses the runtime's environment; throws ConfigError listing each bad variable by name. */
export function parseRuntimeConfig(env: Record<string, string | undefined>): RuntimeConfig {
  const result = v.safeParse(EnvSchema, normalize(env));
  const media = mediaConfig(env);
  if (!result.success || !("storage" in media)) {
    const problems = (result.issues ?? []).map((issue) => {
      const variable = issue.path?.map((item) => String(item.key)).join(".") ?? "(environment)";
      return `${variable}: ${issue.message}`;
    });
    throw new ConfigError([...problems, ...("problems" in media ? media.problems : [])]);
  }
  const e = result.output;
  const grpcWeb = grpcWebConfig(e);
  const redisUrl = e.OMNIA_CONTEXT_URL ?? e.OMNIA_REDIS_URL;
  return {
    agentName: e.OMNIA_AGENT_NAME,
    namespace: e.OMNIA_NAMESPACE,
    grpc: { host: e.OMNIA_GRPC_HOST, port: e.OMNIA_GRPC_PORT },
    health: { host: e.OMNIA_HEALTH_HOST, port: e.OMNIA_HEALTH_PORT },
    ...(grpcWeb ? { grpcWeb } : {}),
    promptPack: {
      path: e.OMNIA_PROMPTPACK_PATH,
      promptName: e.OMNIA_PROMPT_NAME,
      ...(e.OMNIA_PROMPTPACK_NAME !== undefined ? { name: e.OMNIA_PROMPTPACK_NAME } : {}),
      ...(e.OMNIA_PROMPTPACK_VERSION !== undefined ? { version: e.OMNIA_PROMPTPACK_VERSION } : {}),
    },
    toolsConfigPath: e.OMNIA_TOOLS_CONFIG_PATH,
    tools: { secretsDir: e.OMNIA_TOOL_SECRETS_DIR },
    provider: providerConfig(e, env),
    mock: {
      chunkDelayMs: e.OMNIA_MOCK_CHUNK_DELAY_MS,
      ...(e.OMNIA_MOCK_CONFIG_PATH !== undefined ? { configPath: e.OMNIA_MOCK_CONFIG_PATH } : {}),
    },
    session: {
      ttlMs: e.OMNIA_CONTEXT_TTL ?? e.OMNIA_SESSION_TTL ?? 24 * 3_600_000,
      ...(redisUrl !== undefined ? { redisUrl } : {}),
      turnLeaseMs: e.OMNIA_TURN_LEASE,
    },
    media,
    instanceName: e.HOSTNAME ?? "local",
    clientToolTimeoutMs: e.OMNIA_CLIENT_TOOL_TIMEOUT,
    logLevel: e.LOG_LEVEL,
  };
}

function providerConfig(e: v.InferOutput<typeof EnvSchema>, env: Record<string, string | undefined>): ProviderConfig {
  const type = e.OMNIA_PROVIDER_TYPE;
  const model = e.OMNIA_PROVIDER_MODEL ?? (type === "mock" ? "mock-model" : undefined);
  if (model === undefined) throw new ConfigError([`OMNIA_PROVIDER_MODEL: is required for provider type ${type} (the Provider's spec.model)`]);
  const keyFile = e.OMNIA_PROVIDER_CREDENTIAL_FILE;
  const keyVariable = e.OMNIA_PROVIDER_CREDENTIAL_ENV ?? providerKeyEnvName(type);
  if (keyFile !== undefined && e.OMNIA_PROVIDER_CREDENTIAL_ENV !== undefined) {
    throw new ConfigError(["OMNIA_PROVIDER_CREDENTIAL_FILE: set either OMNIA_PROVIDER_CREDENTIAL_ENV or OMNIA_PROVIDER_CREDENTIAL_FILE, not both"]);
  }
  const keyText = type === "mock" || keyFile !== undefined ? undefined : env[keyVariable]?.trim() || undefined;
  if (KEY_REQUIRED.has(type) && keyFile === undefined && keyText === undefined) {
    throw new ConfigError([`${keyVariable}: is required for provider type ${type} (the Provider's credential); it is unset or empty`]);
  }
  const optional = {
    baseURL: e.OMNIA_PROVIDER_BASE_URL,
    apiKey: keyText === undefined ? undefined : new ApiKey(keyText),
    apiKeyFile: keyFile,
    temperature: e.OMNIA_PROVIDER_TEMPERATURE,
    topP: e.OMNIA_PROVIDER_TOP_P,
    maxTokens: e.OMNIA_PROVIDER_MAX_TOKENS,
    requestTimeoutMs: e.OMNIA_PROVIDER_REQUEST_TIMEOUT,
    streamIdleTimeoutMs: e.OMNIA_PROVIDER_STREAM_IDLE_TIMEOUT,
  };
  return {
    type,
    model,
    headers: e.OMNIA_PROVIDER_HEADERS ?? {},
    maxRetries: e.OMNIA_PROVIDER_MAX_RETRIES,
    pricing: { inputCostPer1K: e.OMNIA_PROVIDER_INPUT_COST_PER_1K, outputCostPer1K: e.OMNIA_PROVIDER_OUTPUT_COST_PER_1K },
    ...(Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)) as Partial<ProviderConfig>),
  };
}

// The same variables and parser as the facade's, so both read one store the same way.
function mediaConfig(env: Record<string, string | undefined>): MediaConfig | { problems: string[] } {
  try {
    return parseMediaConfig(env);
  } catch (err) {
    if (err instanceof MediaConfigError) return { problems: err.problems };
    throw err;
  }
}

function grpcWebConfig(e: v.InferOutput<typeof EnvSchema>): GrpcWebConfig | undefined {
  const { OMNIA_BRIDGE_TOKEN: token, OMNIA_BRIDGE_TOKEN_FILE: tokenFile, OMNIA_GRPC_WEB_HOST: host, OMNIA_GRPC_WEB_PORT: port } = e;
  if (token !== undefined && tokenFile !== undefined) {
    throw new ConfigError(["OMNIA_BRIDGE_TOKEN_FILE: set either OMNIA_BRIDGE_TOKEN or OMNIA_BRIDGE_TOKEN_FILE, not both"]);
  }
  const hasToken = token !== undefined || tokenFile !== undefined;
  if (port === "off" || (port === undefined && !hasToken)) return undefined;
  if (!hasToken && !isLoopback(host)) {
    throw new ConfigError([
      `OMNIA_BRIDGE_TOKEN: the gRPC-web port would listen on ${host} without a bearer token; set OMNIA_BRIDGE_TOKEN or OMNIA_BRIDGE_TOKEN_FILE (or OMNIA_GRPC_WEB_PORT=off, or a loopback OMNIA_GRPC_WEB_HOST)`,
    ]);
  }
  return {
    host,
    port: port ?? GRPC_WEB_DEFAULT_PORT,
    heartbeatMs: e.OMNIA_GRPC_WEB_HEARTBEAT,
    ...(token !== undefined ? { token: new BridgeToken(token) } : {}),
    ...(tokenFile !== undefined ? { tokenFile } : {}),
  };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The configuration of this process (the one place that reads process.env). */
export function loadRuntimeConfig(): RuntimeConfig {
  return parseRuntimeConfig(process.env);
}
