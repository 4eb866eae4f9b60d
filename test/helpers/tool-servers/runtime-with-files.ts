// A real runtime (startRuntime) from the three files the operator mounts, written to a temp dir:
// pack.json, tools.yaml and the scripted mock; free ports; the caller's session store.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { parseRuntimeConfig } from "../../../runtime/config.js";
import { startRuntime, type RunningRuntime } from "../../../runtime/start-runtime.js";
import type { SessionStore } from "../../../shared/session/session-store.js";
import { freePort } from "../free-port.js";

export interface RuntimeFiles {
  packJson: string;
  toolsYaml: string;
  mockYaml: string;
}

/** Starts the runtime for agent "assistant"; stop() also removes the files. */
export async function startRuntimeWithFiles(files: RuntimeFiles, store: SessionStore): Promise<RunningRuntime> {
  const dir = await mkdtemp(join(tmpdir(), "omnia-runtime-files-"));
  const paths = { pack: join(dir, "pack.json"), tools: join(dir, "tools.yaml"), mock: join(dir, "mock.yaml") };
  await Promise.all([writeFile(paths.pack, files.packJson), writeFile(paths.tools, files.toolsYaml), writeFile(paths.mock, files.mockYaml)]);
  const config = parseRuntimeConfig({
    OMNIA_AGENT_NAME: "assistant",
    OMNIA_GRPC_PORT: String(await freePort()),
    OMNIA_HEALTH_PORT: String(await freePort()),
    OMNIA_PROMPTPACK_PATH: dir,
    OMNIA_TOOLS_CONFIG_PATH: paths.tools,
    OMNIA_MOCK_CONFIG_PATH: paths.mock,
  });
  const runtime = await startRuntime(config, pino({ level: "silent" }), { store }).catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    ...runtime,
    async stop(graceMs) {
      await runtime.stop(graceMs);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
