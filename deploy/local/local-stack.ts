// Local mode: the manifests a user would `kubectl apply`, run on this machine. Each
// AgentRuntime gets a runtime process with the files and OMNIA_* environment its pod would have
// (pack.json, tools.yaml, mounted mock scripts); one facade serves them all on loopback.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { loadManifestDir } from "../../shared/manifests/load-manifests.js";
import { resolveAgents, type ResolvedAgent } from "../../shared/manifests/resolve-agent.js";
import { renderRuntimeEnv } from "../../shared/manifests/runtime-env.js";
import { renderToolsConfig } from "../../shared/manifests/tools-config.js";
import { freePort } from "../../shared/net/free-port.js";
import { startOmniaProcess, waitForHttpOk, type OmniaProcess } from "./child-process.js";
import { prepareAgentAuth, type LocalAgentAuth } from "./local-agent-auth.js";
import { localMediaEnv } from "./local-media-env.js";

export interface LocalRuntimesOptions {
  manifestsDir: string;
  redisUrl?: string | undefined;
  stateDir: string;
  runtimeEnv?: Record<string, string>;
  echo?: NodeJS.WritableStream;
  /** Agents whose manifests set no spec.media get the local backend under the state dir (`npm start`). */
  defaultMedia?: boolean;
}

export interface LocalStackOptions extends LocalRuntimesOptions {
  /** Facade port; 0 picks a free one. */
  port: number;
  host?: string;
  facadeEnv?: Record<string, string>;
}

export interface LocalRuntime {
  namespace: string;
  name: string;
  grpcPort: number;
  /** The gRPC-web bridge (for the edge facade), on loopback, with the stack's bridge token. */
  grpcWebPort: number;
  process: OmniaProcess;
  /** SIGKILL, and wait until it is gone. */
  kill(): Promise<void>;
  /** Start it again on the same ports, and wait until it is ready. */
  start(): Promise<void>;
}

/** One runtime process per AgentRuntime of the manifests, as its pod would run it. */
export interface LocalRuntimes {
  logDir: string;
  agents: Array<{ namespace: string; name: string }>;
  runtime(key: string): LocalRuntime;
  all(): LocalRuntime[];
  /** Bearer token of every runtime's gRPC-web bridge. */
  bridgeToken: string;
  /** OMNIA_MEDIA_* as the runtimes got them (the first agent's), for a facade beside them. */
  mediaEnv: Record<string, string>;
  /** Each agent's spec.externalAuth for a facade, and where its clientKeys Secret is mounted. */
  auth: LocalAgentAuth;
  /** Resolves with the name of the first process that exits on its own. */
  died: Promise<string>;
  /** Watches a process started beside the runtimes: its death is reported, stop() stops it. */
  watch(process: OmniaProcess): void;
  stop(): Promise<void>;
}

export interface LocalStack extends LocalRuntimes {
  url: string;
  port: number;
  facade: OmniaProcess;
}

const START_TIMEOUT_MS = 30_000;

export async function startLocalRuntimes(options: LocalRuntimesOptions): Promise<LocalRuntimes> {
  const set = await loadManifestDir(options.manifestsDir);
  const resolved = resolveAgents(set);
  if (resolved.length === 0) throw new Error(`no AgentRuntime in ${options.manifestsDir}`);
  const auth = prepareAgentAuth(set, resolved, options.stateDir);
  const logDir = join(options.stateDir, "logs");
  const bridgeToken = randomBytes(24).toString("base64url");
  const runtimes = new Map<string, LocalRuntime>();
  const started: OmniaProcess[] = [];
  let stopping = false;
  let reportDeath: (who: string) => void = () => {};
  const died = new Promise<string>((resolve) => (reportDeath = resolve));
  const killedOnPurpose = new Set<OmniaProcess>();
  const watch = (p: OmniaProcess) => {
    started.push(p);
    void p.exited.then(() => {
      if (!stopping && !killedOnPurpose.has(p)) reportDeath(p.name);
    });
  };
  const stopAll = async () => {
    stopping = true;
    // Whatever was started beside the runtimes (a facade) goes first, then the runtimes.
    const runtimeProcesses = new Set([...runtimes.values()].map((r) => r.process));
    await Promise.all(started.filter((p) => !runtimeProcesses.has(p)).map((p) => p.stop()));
    await Promise.all([...runtimeProcesses].map((p) => p.stop()));
  };
  try {
    const prepared = await Promise.all(resolved.map((agent) => prepareRuntime(agent, { ...options, bridgeToken }, logDir, watch, killedOnPurpose)));
    for (const runtime of prepared) runtimes.set(`${runtime.namespace}/${runtime.name}`, runtime);
  } catch (err) {
    stopping = true;
    await Promise.all(started.map((p) => p.stop(2_000)));
    throw err;
  }
  return {
    logDir,
    agents: [...runtimes.values()].map((r) => ({ namespace: r.namespace, name: r.name })),
    runtime(key) {
      const r = runtimes.get(key);
      if (!r) throw new Error(`no runtime for ${key}`);
      return r;
    },
    all: () => [...runtimes.values()],
    bridgeToken,
    mediaEnv: localMediaEnv(resolved[0], options.stateDir, options.defaultMedia ?? false),
    auth,
    died,
    watch,
    stop: stopAll,
  };
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const runtimes = await startLocalRuntimes(options);
  const host = options.host ?? "127.0.0.1";
  try {
    const port = options.port === 0 ? await freePort() : options.port;
    const facade = startOmniaProcess({
      name: "facade",
      entry: "facade/node/main.ts",
      logDir: runtimes.logDir,
      ...(options.echo ? { echo: options.echo } : {}),
      env: {
        PORT: String(port),
        OMNIA_FACADE_HOST: host,
        OMNIA_AGENT_ROUTES: runtimes.all().map((r) => `${r.namespace}/${r.name}=127.0.0.1:${r.grpcPort}`).join(","),
        ...(options.redisUrl ? { OMNIA_REDIS_URL: options.redisUrl } : {}),
        ...(runtimes.auth.env ? { OMNIA_AGENT_AUTH: runtimes.auth.env } : {}),
        ...runtimes.mediaEnv,
        ...options.facadeEnv,
      },
    });
    runtimes.watch(facade);
    const url = `http://${host}:${port}/`;
    await waitForHttpOk(`${url}readyz`, START_TIMEOUT_MS, facade.exited);
    return { ...runtimes, url, port, facade };
  } catch (err) {
    await runtimes.stop();
    throw err;
  }
}

async function prepareRuntime(
  agent: ResolvedAgent,
  options: LocalRuntimesOptions & { bridgeToken: string },
  logDir: string,
  watch: (p: OmniaProcess) => void,
  killedOnPurpose: Set<OmniaProcess>,
): Promise<LocalRuntime> {
  const { name, namespace } = agent.agent.metadata;
  // The files the operator would mount into the pod, laid out under the state directory.
  const dir = join(options.stateDir, "agents", namespace, name);
  rmSync(dir, { recursive: true, force: true });
  const packDir = join(dir, "pack");
  const toolsPath = join(dir, "tools", "tools.yaml");
  mkdirSync(packDir, { recursive: true });
  mkdirSync(join(dir, "tools"), { recursive: true });
  writeFileSync(join(packDir, "pack.json"), agent.packJson);
  writeFileSync(toolsPath, renderToolsConfig(agent.toolRegistry));
  let mockConfigPath: string | undefined;
  if (agent.mockConfig) {
    mkdirSync(join(dir, "mock"), { recursive: true });
    mockConfigPath = join(dir, "mock", basename(agent.mockConfig.path));
    writeFileSync(mockConfigPath, agent.mockConfig.text);
  }
  const grpcPort = await freePort();
  const grpcWebPort = await freePort();
  const healthPort = await freePort();
  const env: Record<string, string> = {
    ...renderRuntimeEnv(agent, { packDir, toolsPath, ...(mockConfigPath ? { mockConfigPath } : {}) }),
    OMNIA_GRPC_HOST: "127.0.0.1",
    OMNIA_GRPC_PORT: String(grpcPort),
    OMNIA_HEALTH_PORT: String(healthPort),
    OMNIA_GRPC_WEB_HOST: "127.0.0.1",
    OMNIA_GRPC_WEB_PORT: String(grpcWebPort),
    OMNIA_BRIDGE_TOKEN: options.bridgeToken,
    ...localMediaEnv(agent, options.stateDir, options.defaultMedia ?? false),
    ...(options.redisUrl ? { OMNIA_REDIS_URL: options.redisUrl } : {}),
    ...options.runtimeEnv,
  };
  const spawnRuntime = async (): Promise<OmniaProcess> => {
    const p = startOmniaProcess({
      name: `runtime-${namespace}-${name}`,
      entry: "runtime/main.ts",
      env,
      logDir,
      ...(options.echo ? { echo: options.echo } : {}),
    });
    watch(p);
    await waitForHttpOk(`http://127.0.0.1:${healthPort}/readyz`, START_TIMEOUT_MS, p.exited);
    return p;
  };
  const runtime: LocalRuntime = {
    namespace,
    name,
    grpcPort,
    grpcWebPort,
    process: await spawnRuntime(),
    async kill() {
      killedOnPurpose.add(runtime.process);
      runtime.process.kill("SIGKILL");
      await runtime.process.exited;
    },
    async start() {
      runtime.process = await spawnRuntime();
    },
  };
  return runtime;
}
