// What a ToolRegistry handler offers: http, grpc and client handlers their declared `tool`; openapi
// handlers one tool per allowed operation of their spec; mcp handlers what listTools answers,
// through toolFilter. The runtime calls it at start; the operator's ToolRegistry reconciler calls it
// for status.discoveredTools. It never throws: a failure comes back naming the handler and why.
import { parseDuration } from "../../shared/config/duration.js";
import type { ToolHandler } from "../../shared/manifests/tool-registry.js";
import type { DiscoveredTool } from "./tool-adapter.js";
import { McpClients } from "./mcp/mcp-clients.js";
import { listMcpTools } from "./mcp/mcp-tools.js";
import { OpenApiServices } from "./openapi/openapi-services.js";

const MIN_DISCOVERY_MS = 10_000;

export interface DiscoveryContext {
  /** Cancels discovery. */
  signal?: AbortSignal;
  /** Bounds discovery (the operator passes its probe timeout); default: the handler's timeout, at least 10s, since starting a server is slower than a call. */
  timeoutMs?: number;
  /** The runtime passes its adapters' clients so the connection opened here serves the calls; without it a client is opened and closed. */
  mcpClients?: McpClients;
  /** The runtime passes its OpenAPI adapter's cache so the spec is fetched once; without it the spec is fetched afresh. */
  openApiServices?: OpenApiServices;
}

export type DiscoveryResult =
  | { ok: true; handler: string; tools: DiscoveredTool[]; /** Parts of the handler left out (e.g. operations without operationId). */ notes: string[] }
  | { ok: false; handler: string; error: string };

export async function discoverTools(handler: ToolHandler, context: DiscoveryContext = {}): Promise<DiscoveryResult> {
  const timeoutMs = context.timeoutMs ?? Math.max(parseDuration(handler.timeout), MIN_DISCOVERY_MS);
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(context.signal ? [context.signal] : [])]);
  try {
    switch (handler.type) {
      case "openapi": {
        const service = await (context.openApiServices ?? new OpenApiServices()).get(handler, signal);
        return { ok: true, handler: handler.name, tools: [...service.operations.values()].map((op) => op.tool), notes: service.skipped };
      }
      case "mcp":
        return { ok: true, handler: handler.name, tools: await discoverMcp(handler, context.mcpClients, signal), notes: [] };
      default:
        if (!handler.tool) return { ok: false, handler: handler.name, error: `a ${handler.type} handler must declare its tool` };
        return { ok: true, handler: handler.name, tools: [declared(handler.tool)], notes: [] };
    }
  } catch (err) {
    const reason = signal.aborted && !context.signal?.aborted ? `discovery timed out after ${timeoutMs}ms` : err instanceof Error ? err.message : String(err);
    return { ok: false, handler: handler.name, error: reason };
  }
}

async function discoverMcp(handler: ToolHandler, shared: McpClients | undefined, signal: AbortSignal): Promise<DiscoveredTool[]> {
  const config = handler.mcpConfig;
  if (!config) throw new Error("an mcp handler needs mcpConfig");
  const clients = shared ?? new McpClients();
  try {
    const client = await abortable(clients.get(handler), signal);
    return await listMcpTools(client, config, signal);
  } finally {
    if (!shared) await clients.close();
  }
}

function declared(tool: NonNullable<ToolHandler["tool"]>): DiscoveredTool {
  return { name: tool.name, description: tool.description, inputSchema: tool.inputSchema, ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}) };
}

// Connecting has no signal of its own in the MCP SDK; the wait is what gets bounded.
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
