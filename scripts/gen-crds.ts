// Writes one CustomResourceDefinition per Omnia kind to deploy/crds/<plural>.omnia.altairalabs.ai.yaml,
// generated from the valibot schemas the loader validates with, and removes CRD files of kinds that
// no longer exist.
//   npm run gen:crds
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../deploy/local/child-process.js";
import { OMNIA_API_GROUP } from "../shared/manifests/meta.js";
import { OMNIA_CRDS } from "../shared/manifests/crd/omnia-kinds.js";
import { CRD_DIR, renderCrdFiles } from "../shared/manifests/crd/render-crd-yaml.js";

export function writeCrds(dir = join(REPO_ROOT, CRD_DIR)): string[] {
  mkdirSync(dir, { recursive: true });
  const files = renderCrdFiles(OMNIA_CRDS);
  const wanted = new Set(files.map((f) => f.file));
  for (const name of readdirSync(dir)) {
    if (name.endsWith(`.${OMNIA_API_GROUP}.yaml`) && !wanted.has(name)) rmSync(join(dir, name));
  }
  for (const { file, text } of files) writeFileSync(join(dir, file), text);
  return files.map((f) => join(CRD_DIR, f.file));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of writeCrds()) console.log(`wrote ${file}`);
}
