// Local mode's settings, read once at start. Embedded defaults: port 8080 on 127.0.0.1,
// sessions in memory, state and logs under .omnia/local, the manifests of deploy/examples/.
// `-f <file or folder>` (like kubectl apply -f) names the manifests to run instead; a bare folder
// argument and OMNIA_MANIFESTS still work. The manifest loader reads folders (regular files only),
// so a single file is copied into a folder of its own under the state directory.
import { copyFileSync, mkdirSync, rmSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "./child-process.js";

export interface LocalModeConfig {
  /** The folder whose .yaml/.yml/.json files are loaded. */
  manifestsDir: string;
  /** Set when `-f` named a single file: the file, and its copy in manifestsDir (errors name the copy). */
  manifestsFile: { path: string; copiedTo: string } | undefined;
  port: number;
  host: string;
  redisUrl: string | undefined;
  stateDir: string;
}

export const LOCAL_MODE_USAGE = "usage: npm start -- [-f <manifest file or folder>]";
const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/** Throws an Error whose message says what to fix (bad option, missing path, bad PORT). */
export function loadLocalModeConfig(env: Record<string, string | undefined>, argv: string[], defaultManifests: string): LocalModeConfig {
  const port = env.PORT === undefined || env.PORT === "" ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT="${env.PORT}": must be a port number (0-65535)`);
  }
  const manifests = manifestsFrom(argv) ?? env.OMNIA_MANIFESTS ?? defaultManifests;
  const stateDir = env.OMNIA_STATE_DIR || join(REPO_ROOT, ".omnia/local");
  const file = checkManifests(manifests) ? copyManifestFile(resolve(manifests), join(stateDir, "manifests")) : undefined;
  return {
    manifestsDir: file ? join(stateDir, "manifests") : manifests,
    manifestsFile: file,
    port,
    host: env.OMNIA_FACADE_HOST || "127.0.0.1",
    redisUrl: env.OMNIA_REDIS_URL || undefined,
    stateDir,
  };
}

function copyManifestFile(path: string, dir: string): { path: string; copiedTo: string } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const copiedTo = join(dir, basename(path));
  copyFileSync(path, copiedTo);
  return { path, copiedTo };
}

function manifestsFrom(argv: string[]): string | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { file: { type: "string", short: "f" } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${LOCAL_MODE_USAGE}`, { cause: err });
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1 || (values.file !== undefined && positionals.length > 0)) {
    throw new Error(`one manifest file or folder at a time, got ${[values.file, ...positionals].filter(Boolean).join(", ")}\n${LOCAL_MODE_USAGE}`);
  }
  if (values.file === "") throw new Error(`-f needs a manifest file or folder\n${LOCAL_MODE_USAGE}`);
  return values.file ?? positionals[0];
}

/** True for a single manifest file, false for a folder; throws for anything else. */
function checkManifests(path: string): boolean {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new Error(`${path}: no such manifest file or folder`);
  }
  if (stats.isDirectory()) return false;
  if (!stats.isFile()) throw new Error(`${path}: not a manifest file or folder`);
  if (!MANIFEST_FILE.test(path)) throw new Error(`${path}: a manifest file must end in .yaml, .yml or .json`);
  return true;
}
