// What an MCP server offers, through the handler's toolFilter: allowlist when given, else all but
// the blocklist.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { McpConfig } from "../../../shared/manifests/tool-registry.js";
import type { DiscoveredTool } from "../tool-adapter.js";

export function passesToolFilter(config: McpConfig, name: string): boolean {
  const allow = config.toolFilter?.allowlist;
  if (allow?.length) return allow.includes(name);
  return !(config.toolFilter?.blocklist ?? []).includes(name);
}

export async function listMcpTools(client: Client, config: McpConfig, signal?: AbortSignal): Promise<DiscoveredTool[]> {
  const tools: DiscoveredTool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : {}, signal ? { signal } : {});
    for (const tool of page.tools) {
      if (!passesToolFilter(config, tool.name)) continue;
      tools.push({
        name: tool.name,
        description: tool.description ?? tool.title ?? "",
        inputSchema: tool.inputSchema,
        ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
      });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}
