// The runtime's adapters, one per handler type, and the discovery context that shares their MCP
// clients and loaded OpenAPI specs (so what discovery opens at start serves the calls).
import type { ToolHandlerType } from "../../shared/manifests/tool-registry.js";
import { ClientToolAdapter } from "./client-tool-adapter.js";
import type { DiscoveryContext } from "./discover-tools.js";
import { GrpcToolAdapter } from "./grpc/grpc-tool-adapter.js";
import { HttpToolAdapter } from "./http/http-tool-adapter.js";
import { McpToolAdapter } from "./mcp/mcp-tool-adapter.js";
import { OpenApiToolAdapter } from "./openapi/openapi-tool-adapter.js";
import type { ToolAdapter } from "./tool-adapter.js";

export interface ToolAdapterOptions {
  /** Where the tool-secrets Secret is mounted (default /etc/omnia/tool-secrets). */
  secretsDir?: string;
}

export function createToolAdapters(options: ToolAdapterOptions = {}): { adapters: Record<ToolHandlerType, ToolAdapter>; discovery: DiscoveryContext } {
  const secrets = options.secretsDir ? { secretsDir: options.secretsDir } : {};
  const mcp = new McpToolAdapter();
  const openapi = new OpenApiToolAdapter(secrets);
  return {
    adapters: { http: new HttpToolAdapter(secrets), openapi, grpc: new GrpcToolAdapter(), mcp, client: new ClientToolAdapter() },
    discovery: { mcpClients: mcp.clients, openApiServices: openapi.services },
  };
}
