// ToolRegistry status from what discovery found: every handler's tools (declared ones as they are,
// OpenAPI operations and MCP listTools over the network), one entry per tool with its handler and
// whether it is available. Pure: discovery results, the time and the previous status are inputs; a
// tool's lastChecked moves only when its status or error changes, so an unchanged world writes nothing.
import type { ToolHandler, ToolRegistry } from "../../shared/manifests/tool-registry.js";
import { type Condition, type ConditionUpdate, mergeConditions } from "../agent-runtime/conditions.js";

export const TOOL_REGISTRY_CONDITIONS = { toolsDiscovered: "ToolsDiscovered", handlersValid: "HandlersValid" } as const;

export type ToolRegistryPhase = "Pending" | "Ready" | "Degraded" | "Failed";

/** What one handler's discovery answered; `skipped` for handlers the operator must not run (stdio MCP servers run in the agent pod). */
export type HandlerDiscovery =
  | { outcome: "found"; tools: Array<{ name: string; description: string; inputSchema: Record<string, unknown>; outputSchema?: Record<string, unknown> }> }
  | { outcome: "failed"; error: string }
  | { outcome: "skipped"; reason: string };

export interface DiscoveredToolStatus {
  name: string;
  handlerName: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  endpoint?: string;
  status: "Available" | "Unavailable" | "Unknown";
  lastChecked: string;
  error?: string;
}

export interface ToolRegistryStatusInputs {
  registry: ToolRegistry;
  /** By handler name; a handler without an entry has not been discovered yet. */
  discovery: ReadonlyMap<string, HandlerDiscovery>;
  previous?: { conditions?: readonly Condition[]; discoveredTools?: readonly DiscoveredToolStatus[]; lastDiscoveryTime?: string };
  /** RFC 3339. */
  now: string;
}

export interface ToolRegistryStatus {
  phase: ToolRegistryPhase;
  discoveredTools: DiscoveredToolStatus[];
  discoveredToolsCount: number;
  lastDiscoveryTime?: string;
  conditions: Condition[];
  observedGeneration?: number;
}

/** Where a handler is reached, for the status (never a credential: config URLs only). */
export function handlerEndpoint(handler: ToolHandler): string | undefined {
  const mcp = handler.mcpConfig as { endpoint?: unknown; command?: unknown } | undefined;
  const endpoint = handler.httpConfig?.endpoint ?? handler.httpConfig?.urlTemplate ?? handler.openAPIConfig?.specURL ?? handler.grpcConfig?.endpoint ?? mcp?.endpoint ?? mcp?.command;
  return typeof endpoint === "string" ? endpoint : undefined;
}

type Entry = Omit<DiscoveredToolStatus, "lastChecked">;

function entriesOf(handler: ToolHandler, found: HandlerDiscovery | undefined): Entry[] {
  const endpoint = handlerEndpoint(handler);
  const base = { handlerName: handler.name, ...(endpoint !== undefined ? { endpoint } : {}) };
  if (found?.outcome === "found") {
    return found.tools.map((tool) => ({
      ...base,
      name: tool.name,
      description: tool.description,
      inputSchema: tool.inputSchema,
      ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
      status: "Available" as const,
    }));
  }
  // One entry for the handler itself, named by its declared tool where it has one.
  const name = handler.tool?.name ?? handler.name;
  if (found?.outcome === "failed") return [{ ...base, name, status: "Unavailable", error: found.error }];
  return [{ ...base, name, status: "Unknown", ...(found?.outcome === "skipped" ? { error: found.reason } : {}) }];
}

export function toolRegistryStatus(inputs: ToolRegistryStatusInputs): ToolRegistryStatus {
  const { registry, discovery, now } = inputs;
  const previous = inputs.previous ?? {};
  const before = new Map((previous.discoveredTools ?? []).map((t) => [`${t.handlerName}/${t.name}`, t]));
  const tools: DiscoveredToolStatus[] = registry.spec.handlers.flatMap((handler) =>
    entriesOf(handler, discovery.get(handler.name)).map((entry) => {
      const old = before.get(`${entry.handlerName}/${entry.name}`);
      const unchanged = old !== undefined && old.status === entry.status && old.error === entry.error;
      return { ...entry, lastChecked: unchanged ? old.lastChecked : now };
    }),
  );

  const failed = registry.spec.handlers.filter((h) => discovery.get(h.name)?.outcome === "failed");
  const pending = registry.spec.handlers.filter((h) => !discovery.has(h.name));
  const available = tools.filter((t) => t.status === "Available").length;
  const discovered: ConditionUpdate =
    pending.length > 0
      ? { type: TOOL_REGISTRY_CONDITIONS.toolsDiscovered, status: "Unknown", reason: "DiscoveryPending", message: `not yet discovered: ${pending.map((h) => h.name).join(", ")}` }
      : failed.length > 0
        ? {
            type: TOOL_REGISTRY_CONDITIONS.toolsDiscovered,
            status: "False",
            reason: "DiscoveryFailed",
            message: failed.map((h) => `${h.name}: ${(discovery.get(h.name) as { error: string }).error}`).join("; "),
          }
        : { type: TOOL_REGISTRY_CONDITIONS.toolsDiscovered, status: "True", reason: "ToolsDiscovered", message: `${available} tool(s) from ${registry.spec.handlers.length} handler(s)` };
  const valid: ConditionUpdate = {
    type: TOOL_REGISTRY_CONDITIONS.handlersValid,
    status: "True",
    reason: "HandlersValid",
    message: `${registry.spec.handlers.length} handler(s) valid`,
  };
  const phase: ToolRegistryPhase =
    pending.length === registry.spec.handlers.length ? "Pending" : failed.length === 0 ? "Ready" : failed.length < registry.spec.handlers.length ? "Degraded" : "Failed";
  const generation = typeof registry.metadata.generation === "number" ? registry.metadata.generation : undefined;
  const changed = tools.some((t) => t.lastChecked === now) || tools.length !== (previous.discoveredTools?.length ?? -1);
  const lastDiscoveryTime = changed || previous.lastDiscoveryTime === undefined ? now : previous.lastDiscoveryTime;
  return {
    phase,
    discoveredTools: tools,
    discoveredToolsCount: available,
    ...(pending.length < registry.spec.handlers.length ? { lastDiscoveryTime } : {}),
    conditions: mergeConditions(previous.conditions, [discovered, valid], now, generation),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
}
