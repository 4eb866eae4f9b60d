// `omnia render -f <dir|file> [-f …]`: every object the operator would create for the given
// manifests, as multi-document YAML on stdout, without a cluster. Manifests are checked by the same
// loader and resolver as `npm start`, and their errors are printed exactly as those report them.
import { randomBytes } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadManifestTexts } from "../../shared/manifests/load-manifests.js";
import { ManifestLoadError } from "../../shared/manifests/manifest-error.js";
import type { ManifestSet } from "../../shared/manifests/manifest-set.js";
import { resolveAgent, resolveAgents, type ResolvedAgent } from "../../shared/manifests/resolve-agent.js";
import { desired } from "../agent-runtime/desired.js";
import { type AgentRuntimeInputs, edgeFacade } from "../agent-runtime/inputs.js";
import { candidateAgent } from "../agent-runtime/rollout.js";

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

export const RENDER_USAGE = `usage: omnia render -f <dir|file> [-f <dir|file> …]

Prints every object the operator would create for the AgentRuntimes in the given manifests
(a directory means its .yaml, .yml and .json files, in name order), as multi-document YAML.
Owner references are left out (the AgentRuntime has no uid until it is in a cluster), and an
edge facade's bridge token is a fresh random value on each run.`;

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): string[] {
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-f" || arg === "--filename") {
      const value = argv[++i];
      if (value === undefined || value === "") throw new UsageError(`${arg} needs a file or directory`);
      paths.push(value);
    } else if (arg?.startsWith("--filename=")) {
      paths.push(arg.slice("--filename=".length));
    } else {
      throw new UsageError(`unknown argument ${arg}`);
    }
  }
  if (paths.length === 0) throw new UsageError("give at least one -f <dir|file>");
  return paths;
}

async function readManifests(paths: readonly string[]): Promise<Array<{ file: string; text: string }>> {
  const files: string[] = [];
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) {
      const entries = await readdir(path, { withFileTypes: true });
      const names = entries.filter((e) => e.isFile() && MANIFEST_FILE.test(e.name)).map((e) => e.name).sort();
      files.push(...names.map((name) => join(path, name)));
    } else {
      files.push(path);
    }
  }
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(file, "utf8") })));
}

/** A rollout's canary as it starts: the candidate resolved from the same manifests, at the first step's weight. */
function renderedCanary(set: ManifestSet, resolved: ResolvedAgent): AgentRuntimeInputs["canary"] {
  const rollout = resolved.agent.spec.rollout;
  const candidate = candidateAgent(resolved.agent);
  if (!rollout || !candidate) return undefined;
  return { resolved: resolveAgent(set, candidate), weight: rollout.steps[0]!.setWeight, ownTools: rollout.candidate.toolRegistryRef !== undefined };
}

/** The YAML documents for the manifests at `paths`; throws ManifestLoadError for invalid ones. */
export async function renderManifests(paths: readonly string[], newToken: () => string = () => randomBytes(32).toString("base64url")): Promise<string> {
  const set = loadManifestTexts(await readManifests(paths));
  const documents: string[] = [];
  for (const resolved of resolveAgents(set)) {
    const bridgeToken = edgeFacade(resolved) ? newToken() : undefined;
    const source = `# Source: AgentRuntime ${resolved.agent.metadata.namespace}/${resolved.agent.metadata.name}\n`;
    const canary = renderedCanary(set, resolved);
    for (const object of desired({ resolved, ...(bridgeToken !== undefined ? { bridgeToken } : {}), ...(canary ? { canary } : {}) })) {
      documents.push(source + stringify(object, { lineWidth: 0 }));
    }
  }
  return documents.map((doc) => `---\n${doc}`).join("");
}

/** Runs the command; returns the exit code (0 ok, 1 invalid manifests or unreadable input, 2 usage). */
export async function runRender(argv: readonly string[], io: CommandIO): Promise<number> {
  let paths: string[];
  try {
    paths = parseArgs(argv);
  } catch (err) {
    io.stderr(`omnia render: ${(err as Error).message}\n${RENDER_USAGE}\n`);
    return 2;
  }
  try {
    const output = await renderManifests(paths);
    if (output === "") io.stderr("omnia render: no AgentRuntime in the given manifests\n");
    io.stdout(output);
    return 0;
  } catch (err) {
    if (err instanceof ManifestLoadError) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EACCES" || code === "EISDIR") {
      io.stderr(`omnia render: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  }
}
