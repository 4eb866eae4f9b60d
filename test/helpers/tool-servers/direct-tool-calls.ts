// One tool server of each adapter type, with the call a program would make to it without Omnia
// (fetch, the MCP SDK's stdio client, a connect gRPC client), and the same call as a ToolRegistry
// handler for the runtime's ToolManager. The bench times one against the other.
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { ToolHandlerInput } from "../../../shared/manifests/tool-registry.js";
import { ToolService } from "../../../shared/gen/omnia/tools/v1/tools_pb.js";
import { startGrpcToolService } from "./grpc-tool-service.js";
import { startHttpToolServer } from "./http-tool-server.js";
import { EVERYTHING_STDIO } from "./mcp-everything.js";
import { startPetService } from "./openapi-pet-service.js";

export const ADAPTERS = ["http", "mcp-stdio", "grpc", "openapi"] as const;
export type AdapterName = (typeof ADAPTERS)[number];

export interface ToolTarget {
  adapter: AdapterName;
  /** The tool's name as the ToolManager offers it, and its arguments. */
  tool: string;
  args: Record<string, unknown>;
  handler: ToolHandlerInput;
  /** The same call made straight to the server; resolves with its decoded answer. */
  direct(): Promise<unknown>;
}

export interface ToolTargets {
  targets: ToolTarget[];
  close(): Promise<void>;
}

const MESSAGE = { message: "round trip" };
const ADD = { a: 2, b: 40 };
const ADD_SCHEMA = { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] };
const MESSAGE_SCHEMA = { type: "object", properties: { message: { type: "string" } }, required: ["message"] };

export async function startToolTargets(): Promise<ToolTargets> {
  const [http, pets, grpc] = await Promise.all([startHttpToolServer(), startPetService(), startGrpcToolService()]);
  const mcp = new Client({ name: "bench-direct", version: "1.0.0" });
  const grpcClient = createClient(ToolService, createGrpcTransport({ baseUrl: `http://${grpc.endpoint}` }));
  const close = async () => {
    await mcp.close();
    await Promise.all([http.close(), pets.close(), grpc.close()]);
  };
  try {
    await mcp.connect(new StdioClientTransport({ ...EVERYTHING_STDIO, stderr: "ignore" }));
  } catch (err) {
    await close();
    throw err;
  }
  const json = async (res: Promise<Response>) => (await res).json() as Promise<unknown>;
  const targets: ToolTarget[] = [
    {
      adapter: "http",
      tool: "http_echo",
      args: MESSAGE,
      handler: { name: "http", type: "http", tool: { name: "http_echo", description: "Echoes", inputSchema: MESSAGE_SCHEMA }, httpConfig: { endpoint: `${http.url}/echo/bench`, method: "POST" } },
      direct: () => json(fetch(`${http.url}/echo/bench`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(MESSAGE) })),
    },
    {
      adapter: "mcp-stdio",
      tool: "echo",
      args: MESSAGE,
      handler: { name: "everything", type: "mcp", mcpConfig: { transport: "stdio", ...EVERYTHING_STDIO, toolFilter: { allowlist: ["echo"] } } },
      direct: () => mcp.callTool({ name: "echo", arguments: MESSAGE }),
    },
    {
      adapter: "grpc",
      tool: "add",
      args: ADD,
      handler: { name: "grpc", type: "grpc", tool: { name: "add", description: "Adds", inputSchema: ADD_SCHEMA }, grpcConfig: { endpoint: grpc.endpoint } },
      direct: () => grpcClient.execute({ toolName: "add", argumentsJson: JSON.stringify(ADD) }),
    },
    {
      adapter: "openapi",
      tool: "getPet",
      args: { petId: "1" },
      handler: { name: "pets", type: "openapi", openAPIConfig: { specURL: `${pets.url}/openapi.json`, operationFilter: ["getPet"] } },
      direct: () => json(fetch(`${pets.url}/v1/pets/1`)),
    },
  ];
  return { targets, close };
}
