// A real runtime in this process (startRuntime) for the conformance manifests' first agent: its
// pack, tools and scripted mock written to a temp dir as the operator would mount them, free ports,
// and whatever else `env` sets (a gRPC-web port, a bridge token, Redis, a chunk delay).
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { parseRuntimeConfig } from "../../runtime/config.js";
import { startRuntime, type RunningRuntime } from "../../runtime/start-runtime.js";
import { loadManifestDir } from "../../shared/manifests/load-manifests.js";
import { resolveAgents } from "../../shared/manifests/resolve-agent.js";
import { renderRuntimeEnv } from "../../shared/manifests/runtime-env.js";
import { renderToolsConfig } from "../../shared/manifests/tools-config.js";
import { freePort } from "./free-port.js";

const MANIFESTS = join(import.meta.dirname, "../fixtures/conformance");

export interface ConformanceRuntime extends RunningRuntime {
  /** Stops the runtime and removes its files. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts the runtime; `env` goes over the agent's rendered environment and the free ports. */
export async function startConformanceRuntime(env: Record<string, string> = {}, logger: Logger = pino({ level: "silent" })): Promise<ConformanceRuntime> {
  const [agent] = resolveAgents(await loadManifestDir(MANIFESTS));
  if (!agent?.mockConfig) throw new Error(`the first agent of ${MANIFESTS} has no scripted mock`);
  const dir = await mkdtemp(join(tmpdir(), "omnia-conformance-runtime-"));
  try {
    await mkdir(join(dir, "pack"));
    await writeFile(join(dir, "pack", "pack.json"), agent.packJson);
    await writeFile(join(dir, "tools.yaml"), renderToolsConfig(agent.toolRegistry));
    await writeFile(join(dir, "mock.yaml"), agent.mockConfig.text);
    const config = parseRuntimeConfig({
      ...renderRuntimeEnv(agent, { packDir: join(dir, "pack"), toolsPath: join(dir, "tools.yaml"), mockConfigPath: join(dir, "mock.yaml") }),
      OMNIA_GRPC_PORT: String(await freePort()),
      OMNIA_HEALTH_PORT: String(await freePort()),
      ...env,
    });
    const runtime = await startRuntime(config, logger);
    return {
      ...runtime,
      async stop(graceMs) {
        await runtime.stop(graceMs);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
