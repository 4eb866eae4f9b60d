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
