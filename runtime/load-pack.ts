// Reads the mounted PromptPack (`pack.json` in OMNIA_PROMPTPACK_PATH) and validates it.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PackValidationError, parsePackJson, type PackContent } from "../shared/manifests/pack-content.js";

export async function loadPack(dir: string): Promise<PackContent> {
  const path = join(dir, "pack.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new Error(`OMNIA_PROMPTPACK_PATH: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return parsePackJson(text);
  } catch (err) {
    if (err instanceof PackValidationError) throw new Error(`${path}: ${err.message}`);
    throw err;
  }
}
