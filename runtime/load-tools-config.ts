// Reads the mounted tools config (the agent's ToolRegistry handlers). An agent without a
// ToolRegistry has no file, which means no tools.
import { readFile } from "node:fs/promises";
import { parseToolsConfig, type ToolsConfig } from "../shared/manifests/tools-config.js";

export async function loadToolsConfig(path: string): Promise<ToolsConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if (isNotFound(err)) return { handlers: [] };
    throw new Error(`OMNIA_TOOLS_CONFIG_PATH: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return parseToolsConfig(text);
  } catch (err) {
    throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function isNotFound(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && err.code === "ENOENT";
}
