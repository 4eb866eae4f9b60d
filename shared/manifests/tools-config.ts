// The tools ConfigMap file (`tools.yaml`, mounted at /etc/omnia/tools/tools.yaml) that a runtime
// reads at start: the handlers of the agent's ToolRegistry with defaults applied, plus where they
// came from. The operator (and local mode) render it; the runtime parses it.
import * as v from "valibot";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { NameSchema, NamespaceSchema } from "./meta.js";
import { issueMessage, issuePath } from "./issue-path.js";
import { ToolHandlerListSchema, type ToolRegistry } from "./tool-registry.js";

export const ToolsConfigSchema = v.object({
  registry: v.optional(v.object({ name: NameSchema, namespace: NamespaceSchema })),
  // An agent without a ToolRegistry still gets a file, with no handlers.
  handlers: v.optional(ToolHandlerListSchema, []),
});
export type ToolsConfig = v.InferOutput<typeof ToolsConfigSchema>;

/** Parses tools.yaml; throws an Error naming the offending field (e.g. `handlers[0].type: …`). */
export function parseToolsConfig(yamlText: string): ToolsConfig {
  let data: unknown;
  try {
    data = parseYaml(yamlText);
  } catch (err) {
    throw new Error(`tools config: invalid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  // An empty file is a valid "no tools" config.
  const result = v.safeParse(ToolsConfigSchema, data ?? {});
  if (result.success) return result.output;
  const lines = result.issues.map((issue) => `${issuePath(issue) || "(root)"}: ${issueMessage(issue)}`);
  throw new Error(`tools config: ${lines.join("; ")}`);
}

/** Renders tools.yaml for a ToolRegistry (already validated, so defaults are filled in). */
export function renderToolsConfig(registry: ToolRegistry | undefined): string {
  const config: ToolsConfig = registry
    ? {
        registry: { name: registry.metadata.name, namespace: registry.metadata.namespace },
        handlers: registry.spec.handlers,
      }
    : { handlers: [] };
  return stringifyYaml(config);
}
