// One MCP client per handler, opened on first use and kept open; when its transport closes (the
// stdio server exited, the HTTP session ended) it is dropped, so the next use connects again.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { McpConfig, ToolHandler } from "../../../shared/manifests/tool-registry.js";

const CLIENT_INFO = { name: "omnia-runtime", version: "1.0.0" };

interface Connection {
  client: Client;
  ready: Promise<Client>;
}

export class McpClients {
  private readonly open = new Map<string, Connection>();
  private closed = false;

  /** The handler's connected client; rejects with an Error naming the handler when it cannot connect. */
  get(handler: ToolHandler): Promise<Client> {
    if (this.closed) return Promise.reject(new Error("the MCP clients are closed (the runtime is stopping)"));
    const config = handler.mcpConfig;
    if (!config) return Promise.reject(new Error(`handler "${handler.name}" has no mcpConfig`));
    let connection = this.open.get(handler.name);
    if (!connection) {
      const client = new Client(CLIENT_INFO);
      const made: Connection = { client, ready: connect(client, handler.name, config) };
      client.onclose = () => this.forget(handler.name, made);
      made.ready.catch(() => this.forget(handler.name, made));
      this.open.set(handler.name, made);
      connection = made;
    }
    return connection.ready;
  }

  /** Drops a client that failed mid-call so the next call reconnects. */
  async discard(handler: ToolHandler): Promise<void> {
    const connection = this.open.get(handler.name);
    this.open.delete(handler.name);
    await connection?.client.close().catch(() => undefined);
  }

  /** Closes every client, including ones still connecting (their server processes end with them). */
  async close(): Promise<void> {
    this.closed = true;
    const connections = [...this.open.values()];
    this.open.clear();
    await Promise.all(connections.map((connection) => connection.client.close().catch(() => undefined)));
  }

  private forget(name: string, connection: Connection): void {
    if (this.open.get(name) === connection) this.open.delete(name);
  }
}

async function connect(client: Client, handlerName: string, config: McpConfig): Promise<Client> {
  try {
    await client.connect(transport(handlerName, config));
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new Error(`MCP handler "${handlerName}" (${config.transport}): cannot connect: ${err instanceof Error ? err.message : String(err)}`);
  }
  return client;
}

function transport(handlerName: string, config: McpConfig): Transport {
  if (config.transport === "stdio") {
    if (!config.command) throw new Error(`MCP handler "${handlerName}": stdio transport needs mcpConfig.command`);
    return new StdioClientTransport({
      command: config.command,
      args: config.args ?? [],
      env: { ...getDefaultEnvironment(), ...config.env },
      ...(config.workDir ? { cwd: config.workDir } : {}),
      // The server's own log lines would interleave with the runtime's JSON log.
      stderr: "ignore",
    });
  }
  if (!config.endpoint) throw new Error(`MCP handler "${handlerName}": ${config.transport} transport needs mcpConfig.endpoint`);
  const url = new URL(config.endpoint);
  return config.transport === "sse" ? new SSEClientTransport(url) : new StreamableHTTPClientTransport(url);
}
