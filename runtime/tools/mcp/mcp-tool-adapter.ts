// `mcp` handlers: calls go to the handler's kept-open MCP client. A tool's isError answer is a tool
// error; a call whose connection died drops the client so the next call reconnects, and the
// handler's retryPolicy retries it on a fresh connection.
import { ErrorCode, McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { parseDuration } from "../../../shared/config/duration.js";
import type { ToolAdapter, ToolContext, ToolInvocation, ToolOutcome } from "../tool-adapter.js";
import { parseArguments } from "../parse-arguments.js";
import { pause, retrySchedule } from "../retry-schedule.js";
import { McpClients } from "./mcp-clients.js";
import { passesToolFilter } from "./mcp-tools.js";

export interface McpToolAdapterOptions {
  /** Shared with discoverTools so the connection opened at start serves the calls. */
  clients?: McpClients;
}

export class McpToolAdapter implements ToolAdapter {
  readonly clients: McpClients;

  constructor(options: McpToolAdapterOptions = {}) {
    this.clients = options.clients ?? new McpClients();
  }

  async execute(call: ToolInvocation, ctx: ToolContext): Promise<ToolOutcome> {
    const config = call.handler.mcpConfig;
    if (!config) return { ok: false, error: `handler "${call.handler.name}" has no mcpConfig` };
    if (!passesToolFilter(config, call.name)) return { ok: false, error: `tool "${call.name}" is excluded by the handler's toolFilter` };
    const args = parseArguments(call.argumentsJson);
    if (!args.ok) return args;
    const schedule = retrySchedule(config.retryPolicy);
    for (let attempt = 1; ; attempt++) {
      try {
        const client = await this.clients.get(call.handler);
        const result = (await client.callTool({ name: call.name, arguments: args.value }, undefined, {
          signal: ctx.signal,
          timeout: parseDuration(call.handler.timeout),
        })) as CallToolResult;
        return mcpOutcome(result);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        // The server answered with a JSON-RPC error: the connection is fine, the call was not.
        if (err instanceof McpError && err.code !== ErrorCode.ConnectionClosed) return { ok: false, error: err.message };
        await this.clients.discard(call.handler);
        if (attempt >= schedule.maxAttempts) throw err;
        await pause(schedule.backoffMs(attempt), ctx.signal);
      }
    }
  }

  close(): Promise<void> {
    return this.clients.close();
  }
}

/** structuredContent when the tool gives it; else the text parts (JSON kept as JSON); other parts are named, not inlined. */
function mcpOutcome(result: CallToolResult): ToolOutcome {
  const texts = result.content.map((part) => (part.type === "text" ? part.text : `[${part.type}${"mimeType" in part ? ` ${part.mimeType}` : ""}]`));
  if (result.isError) return { ok: false, error: texts.join("\n") || "the MCP tool reported an error" };
  if (result.structuredContent) return { ok: true, resultJson: JSON.stringify(result.structuredContent) };
  const text = texts.join("\n");
  try {
    JSON.parse(text);
    return { ok: true, resultJson: text };
  } catch {
    return { ok: true, resultJson: JSON.stringify(text) };
  }
}
