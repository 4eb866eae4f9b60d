// One adapter per ToolRegistry handler type (http, openapi, grpc, mcp, client) behind one interface;
// the ToolManager routes calls by handler type and knows nothing else about them.
import type { ToolHandler } from "../../shared/manifests/tool-registry.js";

export interface ToolInvocation {
  /** The model's call id; client tools answer by it. */
  id: string;
  name: string;
  argumentsJson: string;
  handler: ToolHandler;
}

/** A tool's answer: JSON for the model, or an error the model is told about (the turn goes on). */
export type ToolOutcome = { ok: true; resultJson: string } | { ok: false; error: string };

export interface ClientToolRequest {
  id: string;
  name: string;
  argumentsJson: string;
  consentMessage: string;
  categories: string[];
}

export type ClientToolAnswer = { rejected: false; resultJson: string } | { rejected: true; reason: string };

/** How a turn reaches the user's client: the request goes out, the answer (or a rejection) comes back. */
export interface ClientToolChannel {
  call(request: ClientToolRequest): Promise<ClientToolAnswer>;
}

export interface ToolContext {
  sessionId: string;
  signal: AbortSignal;
  /** Absent where no client is attached (function mode). */
  clientTools?: ClientToolChannel;
}

export interface ToolAdapter {
  /** Resolves with the outcome; throws TurnError only when the turn cannot go on. */
  execute(call: ToolInvocation, ctx: ToolContext): Promise<ToolOutcome>;
  /** Releases connections and child processes (MCP clients, gRPC channels) when the runtime stops. */
  close?(): Promise<void>;
}

/** A tool a handler offers, as discovery reports it and the model is offered it. */
export interface DiscoveredTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
}
