// Assembles a runtime from its configuration: pack, prompt, tools, model, media storage, session
// store, engine, then the gRPC, gRPC-web (when on) and health servers. main.ts runs it as a
// process; tests and local mode call it too.
import type { Logger } from "pino";
import { createMediaStorage } from "../shared/media/create-media-storage.js";
import { createSessionStore } from "../shared/session/create-session-store.js";
import type { SessionStore } from "../shared/session/session-store.js";
import { RedisTurnJournal } from "../shared/journal/redis-turn-journal.js";
import type { RuntimeConfig } from "./config.js";
import { ConversationEngine } from "./engine/conversation-engine.js";
import { RuntimeGrpcServer } from "./grpc/runtime-grpc-server.js";
import { BridgeToken } from "./grpc-web/bridge-token.js";
import { RuntimeGrpcWebServer } from "./grpc-web/runtime-grpc-web-server.js";
import type { RuntimeStatus } from "./grpc/unary-handlers.js";
import { HealthServer } from "./health/health-server.js";
import { loadPack } from "./load-pack.js";
import { loadToolsConfig } from "./load-tools-config.js";
import { ModelMedia } from "./media/model-media.js";
import { selectPrompt } from "./prompt/select-prompt.js";
import { createLanguageModel } from "./providers/create-language-model.js";
import { createToolAdapters } from "./tools/create-tool-adapters.js";
import { ToolManager } from "./tools/tool-manager.js";

export interface RunningRuntime {
  grpcAddress: string;
  grpcPort: number;
  healthPort: number;
  /** The gRPC-web port for edge facades; undefined when it is off. */
  grpcWebPort: number | undefined;
  /** Stops accepting calls, lets turns in flight finish (up to graceMs), closes the store. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartRuntimeOptions {
  /** A store to use instead of the configured one (tests share one with the caller). */
  store?: SessionStore;
}

const DEFAULT_GRACE_MS = 10_000;

export async function startRuntime(config: RuntimeConfig, logger: Logger, options: StartRuntimeOptions = {}): Promise<RunningRuntime> {
  const bridgeToken = config.grpcWeb?.tokenFile ? await BridgeToken.fromFile(config.grpcWeb.tokenFile, "OMNIA_BRIDGE_TOKEN_FILE") : config.grpcWeb?.token;
  const pack = await loadPack(config.promptPack.path);
  const selected = selectPrompt(pack, config.promptPack.promptName);
  const toolsConfig = await loadToolsConfig(config.toolsConfigPath);
  const model = await createLanguageModel(config);
  // Built at start, so a bad media setting stops the runtime; MediaStorage has no close(), so stop() leaves it.
  const mediaStorage = createMediaStorage(config.media.storage)?.storage;
  const media = new ModelMedia({ storage: mediaStorage, downloadUrlTtlMs: config.media.limits.downloadUrlTtlMs });
  // Secrets for tool auth are files of the mounted `<agent>-tool-secrets` Secret (see runtime/tools/http/tool-auth.ts).
  const tools = await ToolManager.start({ prompt: selected.prompt, pack, handlers: toolsConfig.handlers, ...createToolAdapters({ secretsDir: config.tools.secretsDir }) });
  for (const warning of tools.warnings) logger.warn({ prompt: selected.key }, warning);

  const store = options.store ?? createSessionStore({ ttlMs: config.session.ttlMs, ...(config.session.redisUrl ? { redisUrl: config.session.redisUrl } : {}) });
  const status: RuntimeStatus = { draining: false };
  const engine = new ConversationEngine({
    store,
    model,
    prompt: selected.prompt,
    tools,
    agent: { name: config.agentName, namespace: config.namespace },
    pricing: config.provider.pricing,
    clientToolTimeoutMs: config.clientToolTimeoutMs,
    logger,
    pack,
    env: process.env,
    media,
  });

  // The facades journal turns in the same Redis; the runtime writes there only when it finishes
  // the turn of a facade that died.
  const journal = config.session.redisUrl
    ? new RedisTurnJournal({ url: config.session.redisUrl, ttlMs: config.session.ttlMs, leaseMs: config.session.turnLeaseMs })
    : undefined;
  const owner = `runtime:${config.instanceName}:${process.pid}`;
  const grpc = new RuntimeGrpcServer({ engine, store, status, logger, journal, owner });
  const grpcWeb = config.grpcWeb
    ? new RuntimeGrpcWebServer({ engine, store, status, logger, journal, owner, token: bridgeToken, heartbeatMs: config.grpcWeb.heartbeatMs })
    : undefined;
  const health = new HealthServer(store, status);
  let grpcPort: number;
  let grpcWebPort: number | undefined;
  let healthPort: number;
  try {
    grpcPort = await grpc.listen(config.grpc.host, config.grpc.port);
    if (grpcWeb && config.grpcWeb) grpcWebPort = await grpcWeb.listen(config.grpcWeb.host, config.grpcWeb.port);
    healthPort = await health.listen(config.health.host, config.health.port);
  } catch (err) {
    await grpc.shutdown(0);
    await grpcWeb?.shutdown(0);
    await health.close();
    if (!options.store) await store.close();
    await journal?.close();
    await tools.close();
    throw err;
  }
  const grpcAddress = `${config.grpc.host}:${grpcPort}`;
  logger.info(
    {
      address: grpcAddress,
      health_port: healthPort,
      grpc_web: config.grpcWeb ? `${config.grpcWeb.host}:${grpcWebPort}` : "off",
      pack: `${pack.id}@${pack.version}`,
      prompt: selected.key,
      prompt_selected_by: selected.reason,
      tools: tools.specs.map((spec) => spec.name),
      provider: `${model.provider}/${model.model}`,
      session_store: config.session.redisUrl ? "redis" : "memory",
      media_storage: mediaStorage?.type ?? "none",
    },
    "runtime listening",
  );
  if (config.grpcWeb && !bridgeToken) {
    logger.warn({ address: `${config.grpcWeb.host}:${grpcWebPort}` }, "the gRPC-web port runs open (loopback, no OMNIA_BRIDGE_TOKEN or OMNIA_BRIDGE_TOKEN_FILE): any local process can drive this agent");
  }

  let stopping: Promise<void> | undefined;
  return {
    grpcAddress,
    grpcPort,
    healthPort,
    grpcWebPort,
    stop(graceMs = DEFAULT_GRACE_MS) {
      stopping ??= (async () => {
        status.draining = true;
        await Promise.all([grpc.shutdown(graceMs), grpcWeb?.shutdown(graceMs)]);
        await health.close();
        if (!options.store) await store.close();
        await journal?.close();
        await tools.close();
        logger.info("runtime stopped");
      })();
      return stopping;
    },
  };
}
