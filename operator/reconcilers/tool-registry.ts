// The ToolRegistry reconciler: discovers each handler's tools (the runtime's own discoverTools, so
// the status shows what the agents will be offered), computes status with the pure
// toolRegistryStatus(), and applies it when it changed. stdio MCP servers are not run here: they
// are commands for the agent pod, and running a ToolRegistry's command in the operator would hand
// anyone who can write one the operator's credentials. Discovery is kept per generation and redone
// on change, and every probe.interval when probe.enabled.
import type { CustomObjectsApi, KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { parseDuration } from "../../shared/config/duration.js";
import type { ToolHandler, ToolRegistry } from "../../shared/manifests/tool-registry.js";
import { discoverTools } from "../../runtime/tools/discover-tools.js";
import { type DiscoveredToolStatus, type HandlerDiscovery, TOOL_REGISTRY_CONDITIONS, toolRegistryStatus } from "../tool-registry/status.js";
import { parseClusterObject } from "./agent-references.js";
import type { ClusterReader } from "./cluster-reader.js";
import { applyStatusIfChanged, invalidSpecMessage, invalidSpecStatus, storedConditions, storedStatus } from "./status-subresource.js";

export interface ToolRegistryReconcilerDeps {
  reader: ClusterReader;
  custom: CustomObjectsApi;
  log: Logger;
  /** Asks for `key` to be reconciled again after `ms` (the probe interval). */
  requeueAfter: (key: string, ms: number) => void;
  now?: () => Date;
}

const DEFAULT_PROBE_TIMEOUT = "5s";

interface Cached {
  generation: number | undefined;
  at: number;
  discovery: Map<string, HandlerDiscovery>;
}

function isStdio(handler: ToolHandler): boolean {
  const mcp = handler.mcpConfig as { transport?: unknown; command?: unknown } | undefined;
  return handler.type === "mcp" && (mcp?.transport === "stdio" || (mcp?.transport === undefined && mcp?.command !== undefined));
}

export class ToolRegistryReconciler {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly deps: ToolRegistryReconcilerDeps) {}

  /** Reconciles `namespace/name`; throws on API errors so the queue retries with backoff. */
  async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split("/") as [string, string];
    const { reader, custom, log } = this.deps;
    const raw = reader.get("ToolRegistry", namespace, name);
    if (!raw || raw.metadata?.deletionTimestamp) {
      this.cache.delete(key);
      return;
    }
    const now = this.deps.now?.() ?? new Date();
    const parsed = parseClusterObject(raw);
    if (!parsed.ok || parsed.object.kind !== "ToolRegistry") {
      const message = invalidSpecMessage(parsed, "ToolRegistry");
      log.warn({ toolRegistry: key, message }, "invalid ToolRegistry");
      const status = invalidSpecStatus(raw, { kind: "ToolRegistry", conditionType: TOOL_REGISTRY_CONDITIONS.handlersValid, phase: "Failed", message, now: now.toISOString() });
      await applyStatusIfChanged(custom, raw, "ToolRegistry", "toolregistries", status);
      return;
    }
    const registry = parsed.object;
    const discovery = await this.discovery(key, registry, now.getTime());
    const stored = storedStatus(raw);
    const status = toolRegistryStatus({
      registry,
      discovery,
      previous: {
        ...(storedConditions(raw) ? { conditions: storedConditions(raw)! } : {}),
        ...(Array.isArray(stored.discoveredTools) ? { discoveredTools: stored.discoveredTools as DiscoveredToolStatus[] } : {}),
        ...(typeof stored.lastDiscoveryTime === "string" ? { lastDiscoveryTime: stored.lastDiscoveryTime } : {}),
      },
      now: now.toISOString(),
    });
    if (await applyStatusIfChanged(custom, raw, "ToolRegistry", "toolregistries", status)) {
      log.info({ toolRegistry: key, phase: status.phase, tools: status.discoveredToolsCount }, "status");
    }
  }

  /** Discovery for this generation, redone when the probe interval has passed (probe.enabled). */
  private async discovery(key: string, registry: ToolRegistry, nowMs: number): Promise<Map<string, HandlerDiscovery>> {
    const generation = typeof registry.metadata.generation === "number" ? registry.metadata.generation : undefined;
    const probe = registry.spec.probe;
    const intervalMs = probe?.enabled ? parseDuration(probe.interval ?? "60s") : undefined;
    const cached = this.cache.get(key);
    const fresh = cached && cached.generation === generation && (intervalMs === undefined || nowMs - cached.at < intervalMs);
    if (fresh) return cached.discovery;
    const timeoutMs = parseDuration(probe?.timeout ?? DEFAULT_PROBE_TIMEOUT);
    const results = await Promise.all(
      registry.spec.handlers.map(async (handler): Promise<[string, HandlerDiscovery]> => {
        if (isStdio(handler)) return [handler.name, { outcome: "skipped", reason: "a stdio MCP server runs in the agent pod; its runtime discovers its tools at start" }];
        const result = await discoverTools(handler, { timeoutMs });
        return [handler.name, result.ok ? { outcome: "found", tools: result.tools } : { outcome: "failed", error: result.error }];
      }),
    );
    const discovery = new Map(results);
    this.cache.set(key, { generation, at: nowMs, discovery });
    if (intervalMs !== undefined) this.deps.requeueAfter(key, intervalMs);
    return discovery;
  }
}
