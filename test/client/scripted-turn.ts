// The mock provider's scripted answers, read from the manifests a test runs, so a test states the
// answer it expects without copying it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml, parseAllDocuments } from "yaml";

/** Text turn `turn` (1-based) of `scenario` in the mock ConfigMap under `manifestsDir/file`. */
export function scriptedTurn(manifestsDir: string, file: string, scenario: string, turn: number): string {
  for (const doc of parseAllDocuments(readFileSync(join(manifestsDir, file), "utf8"))) {
    const object = doc.toJS() as { kind?: string; data?: Record<string, string> } | null;
    const scripts = object?.kind === "ConfigMap" ? object.data?.["scenarios.yaml"] : undefined;
    if (scripts === undefined) continue;
    const parsed = parseYaml(scripts) as { scenarios?: Record<string, { turns?: Record<string, unknown> }> };
    const value = parsed.scenarios?.[scenario]?.turns?.[String(turn)];
    if (typeof value === "string") return value;
  }
  throw new Error(`no text turn ${turn} of scenario ${scenario} in ${file}`);
}
