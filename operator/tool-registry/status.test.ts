import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ToolRegistryStatusSchema } from "../../shared/manifests/crd/statuses.js";
import { loadManifestTexts } from "../../shared/manifests/load-manifests.js";
import { yamlDocs } from "../../shared/manifests/test-fixtures.js";
import type { ToolRegistry } from "../../shared/manifests/tool-registry.js";
import { type HandlerDiscovery, toolRegistryStatus } from "./status.js";

const T0 = "2026-01-01T00:00:00Z";
const T1 = "2026-01-01T00:05:00Z";

function registry(handlers: unknown[]): ToolRegistry {
  const object = { apiVersion: "omnia.altairalabs.ai/v1alpha1", kind: "ToolRegistry", metadata: { name: "r", namespace: "default" }, spec: { handlers } };
  const set = loadManifestTexts([{ file: "r.yaml", text: yamlDocs(object) }]);
  return [...set.toolRegistries.values()][0]!;
}

const reg = registry([
  { name: "pets", type: "openapi", openAPIConfig: { specURL: "http://pets/openapi.json" } },
  { name: "mcp", type: "mcp", mcpConfig: { transport: "stdio", command: "srv" } },
]);
const found: HandlerDiscovery = { outcome: "found", tools: [{ name: "listPets", description: "List", inputSchema: { type: "object" } }] };

describe("toolRegistryStatus", () => {
  it.each<{ name: string; discovery: Array<[string, HandlerDiscovery]>; phase: string; discovered: string; count: number }>([
    { name: "nothing discovered yet", discovery: [], phase: "Pending", discovered: "Unknown", count: 0 },
    { name: "one handler found, one skipped", discovery: [["pets", found], ["mcp", { outcome: "skipped", reason: "pod" }]], phase: "Ready", discovered: "True", count: 1 },
    { name: "one handler failed", discovery: [["pets", { outcome: "failed", error: "ECONNREFUSED" }], ["mcp", { outcome: "skipped", reason: "pod" }]], phase: "Degraded", discovered: "False", count: 0 },
  ])("$name", ({ discovery, phase, discovered, count }) => {
    const status = toolRegistryStatus({ registry: reg, discovery: new Map(discovery), now: T0 });
    expect(status).toMatchObject({ phase, discoveredToolsCount: count });
    expect(status.conditions.find((c) => c.type === "ToolsDiscovered")?.status).toBe(discovered);
    expect(() => v.parse(ToolRegistryStatusSchema, JSON.parse(JSON.stringify(status)))).not.toThrow();
  });

  it("keeps lastChecked and lastDiscoveryTime while nothing changes, and moves them for the tool that did", () => {
    const discovery = new Map<string, HandlerDiscovery>([["pets", found], ["mcp", { outcome: "skipped", reason: "pod" }]]);
    const first = toolRegistryStatus({ registry: reg, discovery, now: T0 });
    const again = toolRegistryStatus({ registry: reg, discovery, previous: first, now: T1 });
    expect(again).toEqual(first);
    const failed = toolRegistryStatus({ registry: reg, discovery: new Map([...discovery, ["pets", { outcome: "failed", error: "down" }]]), previous: first, now: T1 });
    expect(failed.discoveredTools.find((t) => t.handlerName === "pets")).toMatchObject({ name: "pets", status: "Unavailable", error: "down", lastChecked: T1 });
    expect(failed.discoveredTools.find((t) => t.handlerName === "mcp")?.lastChecked).toBe(T0);
    expect(failed.lastDiscoveryTime).toBe(T1);
  });
});
