import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ToolHandlerInput } from "../../shared/manifests/tool-registry.js";
import { eventually } from "../../test/helpers/eventually.js";
import { EVERYTHING_STDIO, startEverythingHttp, type EverythingHttp } from "../../test/helpers/tool-servers/mcp-everything.js";
import { handler, resultOf, toolManagerFor, type ToolHarness } from "../../test/helpers/tool-servers/tool-manager-for.js";
import { discoverTools } from "./discover-tools.js";
import { McpClients } from "./mcp/mcp-clients.js";
import { McpToolAdapter } from "./mcp/mcp-tool-adapter.js";

const STDIO: ToolHandlerInput = {
  name: "everything",
  type: "mcp",
  mcpConfig: { transport: "stdio", ...EVERYTHING_STDIO, env: { OMNIA_TEST_MARK: "from-handler" }, toolFilter: { allowlist: ["echo", "get-sum", "get-env", "trigger-long-running-operation"] } },
};

let http: EverythingHttp;
let stdio: ToolHarness;

beforeAll(async () => {
  [http, stdio] = await Promise.all([startEverythingHttp(), toolManagerFor(["echo", "get-sum", "get-env", "trigger-long-running-operation", "get-tiny-image"], [STDIO])]);
}, 30_000);
afterAll(async () => {
  await stdio?.manager.close();
  await http?.stop();
});

describe("mcp tools (server-everything)", () => {
  it("offers the tools listTools names that pass toolFilter, each by its own name and schema", () => {
    expect(stdio.manager.specs.map((s) => s.name)).toEqual(["echo", "get-sum", "get-env", "trigger-long-running-operation", "get-tiny-image"]);
    expect(stdio.manager.specs[0]).toMatchObject({ description: "Echoes back the input string", inputSchema: { type: "object", properties: { message: { type: "string" } }, required: ["message"] } });
    // Filtered out by the allowlist: the prompt names it, no handler serves it.
    expect(stdio.manager.specs[4]).toEqual({ name: "get-tiny-image", description: "", inputSchema: { type: "object", properties: {} } });
    expect(stdio.manager.warnings.join("\n")).toMatch(/"get-tiny-image" has no ToolRegistry handler/);
  });

  it("calls tools over stdio, with the handler's env passed to the server", async () => {
    expect(resultOf(await stdio.call("echo", { message: "hello" }))).toBe("Echo: hello");
    expect(resultOf(await stdio.call("get-sum", { a: 2, b: 3 }))).toBe("The sum of 2 and 3 is 5.");
    expect(JSON.stringify(resultOf(await stdio.call("get-env", {})))).toContain("from-handler");
  });

  it("checks arguments against the tool's schema before the call", async () => {
    expect(await stdio.call("get-sum", { a: 2 })).toEqual({ ok: false, error: expect.stringContaining('"b" is required') });
    expect(await stdio.call("echo", { message: 7 })).toEqual({ ok: false, error: expect.stringContaining('"message" must be string') });
  });

  it("ends a call that outlasts the handler's timeout with a tool error, and the client keeps working", async () => {
    const slow = await toolManagerFor(["trigger-long-running-operation", "echo"], [{ ...STDIO, name: "slow-everything", timeout: "300ms" }]);
    try {
      expect(await slow.call("trigger-long-running-operation", { duration: 5, steps: 5 })).toEqual({ ok: false, error: 'tool "trigger-long-running-operation" timed out after 300ms' });
      expect(resultOf(await slow.call("echo", { message: "still here" }))).toBe("Echo: still here");
    } finally {
      await slow.manager.close();
    }
  });

  it("hands the server's tool errors back as tool errors, and keeps the connection", async () => {
    const adapter = new McpToolAdapter();
    const echo = handler({ ...STDIO, mcpConfig: { transport: "stdio", ...EVERYTHING_STDIO } });
    const ctx = { sessionId: "s", signal: new AbortController().signal };
    try {
      expect(await adapter.execute({ id: "1", name: "no-such-tool", argumentsJson: "{}", handler: echo }, ctx)).toEqual({ ok: false, error: expect.stringContaining("no-such-tool") });
      expect(await adapter.execute({ id: "2", name: "get-sum", argumentsJson: '{"a":"x","b":1}', handler: echo }, ctx)).toMatchObject({ ok: false });
      expect(await adapter.execute({ id: "3", name: "echo", argumentsJson: '{"message":"ok"}', handler: echo }, ctx)).toEqual({ ok: true, resultJson: '"Echo: ok"' });
    } finally {
      await adapter.close();
    }
  });

  it("reconnects when the stdio server dies", async () => {
    const clients = new McpClients();
    const echo = handler(STDIO);
    try {
      const first = await clients.get(echo);
      const pid = (first.transport as { pid?: number | null } | undefined)?.pid;
      expect(pid).toBeGreaterThan(0);
      process.kill(pid ?? 0, "SIGKILL");
      const second = await eventually(async () => {
        const client = await clients.get(echo);
        if (client === first) throw new Error("still the dead client");
        return client;
      });
      expect(await second.callTool({ name: "echo", arguments: { message: "again" } })).toMatchObject({ content: [{ type: "text", text: "Echo: again" }] });
    } finally {
      await clients.close();
    }
  });

  it("works over streamable HTTP too, with a blocklist filter", async () => {
    const remote: ToolHandlerInput = { name: "remote", type: "mcp", mcpConfig: { transport: "streamable-http", endpoint: http.endpoint, toolFilter: { blocklist: ["echo"] } } };
    const result = await discoverTools(handler(remote));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const names = result.tools.map((t) => t.name);
    expect(names).toContain("get-sum");
    expect(names).not.toContain("echo");

    const harness = await toolManagerFor(["get-sum", "echo"], [remote]);
    try {
      expect(resultOf(await harness.call("get-sum", { a: 20, b: 22 }))).toBe("The sum of 20 and 22 is 42.");
      expect(harness.manager.specs.map((s) => s.name)).toEqual(["get-sum", "echo"]);
      await expect(harness.call("echo", { message: "x" })).rejects.toMatchObject({ code: "TOOL_FAILED" });
    } finally {
      await harness.manager.close();
    }
  });

  it("works over SSE", async () => {
    const sse = await startEverythingHttp("sse");
    const harness = await toolManagerFor(["echo"], [{ name: "sse", type: "mcp", mcpConfig: { transport: "sse", endpoint: sse.endpoint } }]);
    try {
      expect(harness.manager.warnings).toEqual([]);
      expect(resultOf(await harness.call("echo", { message: "over sse" }))).toBe("Echo: over sse");
    } finally {
      await harness.manager.close();
      await sse.stop();
    }
  });

  it("reports servers it cannot reach or start as discovery errors naming the handler", async () => {
    const gone = await discoverTools(handler({ name: "gone", type: "mcp", mcpConfig: { transport: "streamable-http", endpoint: "http://127.0.0.1:1/mcp" } }));
    expect(gone).toEqual({ ok: false, handler: "gone", error: expect.stringContaining('MCP handler "gone" (streamable-http): cannot connect') });
    const missing = await discoverTools(handler({ name: "missing", type: "mcp", mcpConfig: { transport: "stdio", command: "/nonexistent/mcp-server" } }));
    expect(missing).toEqual({ ok: false, handler: "missing", error: expect.stringContaining("cannot connect") });
    const stuck = await discoverTools(handler({ name: "stuck", type: "mcp", mcpConfig: { transport: "stdio", command: process.execPath, args: ["-e", "setInterval(() => {}, 1000)"] } }), { timeoutMs: 300 });
    expect(stuck).toEqual({ ok: false, handler: "stuck", error: "discovery timed out after 300ms" });
  });
});
