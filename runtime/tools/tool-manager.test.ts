import { describe, expect, it } from "vitest";
import type { PackContent, PackPrompt } from "../../shared/manifests/pack-content.js";
import type { ToolHandler } from "../../shared/manifests/tool-registry.js";
import type { ToolAdapter, ToolContext } from "./tool-adapter.js";
import { ClientToolAdapter } from "./client-tool-adapter.js";
import { ToolManager } from "./tool-manager.js";

const PACK: PackContent = {
  id: "p",
  name: "P",
  version: "1.0.0",
  template_engine: { version: "v1", syntax: "{{variable}}" },
  prompts: {},
  tools: {
    search: { name: "search", description: "From the pack", parameters: { type: "object", properties: { q: { type: "string" } } } },
    locate: { name: "locate", description: "Pack text loses to the registry", parameters: { type: "object", properties: {} } },
  },
};

const LOCATE: ToolHandler = {
  name: "locate-handler",
  type: "client",
  timeout: "30s",
  tool: { name: "locate", description: "From the registry", inputSchema: { type: "object", properties: { precision: { type: "string" } } } },
  clientConfig: { consentMessage: "Share?", categories: ["location"] },
};

function prompt(tools: string[], blocklist: string[] = []): PackPrompt {
  return { id: "a", name: "A", version: "1.0.0", system_template: "x", tools, tool_policy: { blocklist } };
}

const ctx: ToolContext = { sessionId: "s", signal: new AbortController().signal };

describe("ToolManager", () => {
  it("offers the prompt's tools, described by the registry handler, else the pack", () => {
    const manager = new ToolManager({ prompt: prompt(["locate", "search", "ghost"]), pack: PACK, handlers: [LOCATE], adapters: {} });
    expect(manager.specs).toEqual([
      { name: "locate", description: "From the registry", inputSchema: LOCATE.tool?.inputSchema },
      { name: "search", description: "From the pack", inputSchema: PACK.tools?.["search"]?.parameters },
      { name: "ghost", description: "", inputSchema: { type: "object", properties: {} } },
    ]);
    expect(manager.warnings.join("\n")).toMatch(/"ghost" has no description/);
    expect(manager.warnings.join("\n")).toMatch(/"search" has no ToolRegistry handler/);
  });

  it("leaves blocked tools out and refuses calls to them", async () => {
    const manager = new ToolManager({ prompt: prompt(["locate", "search"], ["search"]), pack: PACK, handlers: [LOCATE], adapters: {} });
    expect(manager.specs.map((s) => s.name)).toEqual(["locate"]);
    await expect(manager.execute({ id: "1", name: "search", argumentsJson: "{}" }, ctx)).rejects.toMatchObject({ code: "TOOL_FAILED", message: expect.stringContaining("blocked") });
  });

  it("routes a call to the adapter of its handler's type", async () => {
    const seen: string[] = [];
    const fake: ToolAdapter = {
      execute: async (call) => {
        seen.push(`${call.handler.name}:${call.argumentsJson}`);
        return { ok: true, resultJson: '"ok"' };
      },
    };
    const manager = new ToolManager({ prompt: prompt(["locate"]), pack: PACK, handlers: [LOCATE], adapters: { client: fake } });
    expect(await manager.execute({ id: "1", name: "locate", argumentsJson: '{"precision":"city"}' }, ctx)).toEqual({ ok: true, resultJson: '"ok"' });
    expect(seen).toEqual(['locate-handler:{"precision":"city"}']);
  });

  it("fails the turn for tools it cannot route", async () => {
    const manager = new ToolManager({ prompt: prompt(["locate", "search"]), pack: PACK, handlers: [LOCATE], adapters: {} });
    await expect(manager.execute({ id: "1", name: "search", argumentsJson: "{}" }, ctx)).rejects.toMatchObject({ code: "TOOL_FAILED", message: expect.stringContaining("no handler") });
    await expect(manager.execute({ id: "1", name: "locate", argumentsJson: "{}" }, ctx)).rejects.toMatchObject({ code: "TOOL_FAILED", message: expect.stringContaining("client handler") });
    await expect(manager.execute({ id: "1", name: "other", argumentsJson: "{}" }, ctx)).rejects.toMatchObject({ code: "TOOL_FAILED", message: expect.stringContaining("not one of the prompt's tools") });
  });

  it("client adapter: passes consent and categories, keeps answers JSON, and needs a client", async () => {
    const adapter = new ClientToolAdapter();
    const call = { id: "c1", name: "locate", argumentsJson: "{}", handler: LOCATE };
    const requests: unknown[] = [];
    const answered = await adapter.execute(call, {
      ...ctx,
      clientTools: { call: async (request) => (requests.push(request), { rejected: false, resultJson: "plain text" }) },
    });
    expect(requests).toEqual([{ id: "c1", name: "locate", argumentsJson: "{}", consentMessage: "Share?", categories: ["location"] }]);
    expect(answered).toEqual({ ok: true, resultJson: '"plain text"' });
    await expect(adapter.execute(call, ctx)).rejects.toMatchObject({ code: "TOOL_FAILED" });
  });
});

describe("ToolManager with discovered tools", () => {
  const MCP: ToolHandler = { name: "docs", type: "mcp", timeout: "30s", mcpConfig: { transport: "stdio", command: "docs-server" } };
  const OTHER: ToolHandler = { name: "docs-2", type: "mcp", timeout: "100ms", mcpConfig: { transport: "stdio", command: "other" } };
  const SEARCH = { name: "search", description: "Search the docs", inputSchema: { type: "object", properties: { q: { type: "string" } }, required: ["q"] } };

  it("routes each discovered tool to its handler, the first handler winning a name two offer", async () => {
    const seen: string[] = [];
    const adapter: ToolAdapter = { execute: async (call) => (seen.push(`${call.handler.name}/${call.name}`), { ok: true, resultJson: "1" }) };
    const manager = new ToolManager({
      prompt: prompt(["search"]),
      pack: PACK,
      handlers: [MCP, OTHER],
      adapters: { mcp: adapter },
      discovered: new Map([["docs", [SEARCH]], ["docs-2", [SEARCH]]]),
    });
    expect(manager.specs).toEqual([{ name: "search", description: "Search the docs", inputSchema: SEARCH.inputSchema }]);
    expect(manager.warnings.join("\n")).toMatch(/"search" is offered by handlers "docs" and "docs-2"; "docs" serves it/);
    expect(await manager.execute({ id: "1", name: "search", argumentsJson: '{"q":"x"}' }, ctx)).toEqual({ ok: true, resultJson: "1" });
    expect(await manager.execute({ id: "2", name: "search", argumentsJson: "{}" }, ctx)).toEqual({ ok: false, error: expect.stringContaining('"q" is required') });
    expect(seen).toEqual(["docs/search"]);
  });

  it("makes a failing adapter a tool error, but lets a cancelled turn end the turn", async () => {
    const adapter: ToolAdapter = {
      execute: async (_call, callCtx) => {
        if (callCtx.signal.aborted) throw new Error("aborted");
        throw new Error("connection refused");
      },
    };
    const manager = new ToolManager({ prompt: prompt(["search"]), pack: PACK, handlers: [MCP], adapters: { mcp: adapter }, discovered: new Map([["docs", [SEARCH]]]) });
    const call = { id: "1", name: "search", argumentsJson: '{"q":"x"}' };
    expect(await manager.execute(call, ctx)).toEqual({ ok: false, error: 'tool "search" failed: connection refused' });
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(manager.execute(call, { ...ctx, signal: cancelled.signal })).rejects.toThrow("aborted");
  });

  it("closes the adapters that hold connections", async () => {
    let closed = 0;
    const adapter: ToolAdapter = { execute: async () => ({ ok: true, resultJson: "1" }), close: async () => void closed++ };
    const manager = new ToolManager({ prompt: prompt([]), pack: PACK, handlers: [], adapters: { mcp: adapter, client: new ClientToolAdapter() } });
    await manager.close();
    expect(closed).toBe(1);
  });
});
