// Local mode's settings, read once at start. Embedded defaults: port 8080 on 127.0.0.1,
// sessions in memory, state and logs under .omnia/local.
import { join } from "node:path";
import { REPO_ROOT } from "./child-process.js";

export interface LocalModeConfig {
  manifestsDir: string;
  port: number;
  host: string;
  redisUrl: string | undefined;
  stateDir: string;
}

export function loadLocalModeConfig(env: Record<string, string | undefined>, argv: string[], defaultManifests: string): LocalModeConfig {
  const port = env.PORT === undefined || env.PORT === "" ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT="${env.PORT}": must be a port number (0-65535)`);
  }
  return {
    manifestsDir: argv[0] ?? env.OMNIA_MANIFESTS ?? defaultManifests,
    port,
    host: env.OMNIA_FACADE_HOST || "127.0.0.1",
    redisUrl: env.OMNIA_REDIS_URL || undefined,
    stateDir: env.OMNIA_STATE_DIR || join(REPO_ROOT, ".omnia/local"),
  };
}
