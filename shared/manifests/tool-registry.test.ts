import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { describeIssues } from "./issue-path.js";
import { toolRegistry } from "./test-fixtures.js";
import { ToolRegistrySchema } from "./tool-registry.js";

function issues(input: unknown) {
  const result = v.safeParse(ToolRegistrySchema, input);
  return result.success ? [] : describeIssues(result.issues);
}

function withHandlers(handlers: unknown[]) {
  const base = toolRegistry();
  return { ...base, spec: { handlers } };
}

describe("ToolRegistrySchema", () => {
  it("parses a client handler and applies the default timeout", () => {
    const parsed = v.parse(ToolRegistrySchema, toolRegistry());
    expect(parsed.metadata.namespace).toBe("default");
    expect(parsed.spec.handlers[0]).toMatchObject({ name: "get_location", type: "client", timeout: "30s" });
    expect(parsed.spec.handlers[0]?.clientConfig?.categories).toEqual(["location"]);
  });

  it("applies http defaults", () => {
    const parsed = v.parse(
      ToolRegistrySchema,
      withHandlers([
        {
          name: "weather",
          type: "http",
          tool: { name: "weather", description: "d", inputSchema: { type: "object" } },
          httpConfig: { endpoint: "http://weather.local/api" },
        },
      ]),
    );
    expect(parsed.spec.handlers[0]?.httpConfig).toMatchObject({ method: "POST", contentType: "application/json" });
  });

  it("rejects an unknown handler type at its path", () => {
    expect(issues(withHandlers([{ name: "x", type: "soap" }]))).toEqual([
      { field: "spec.handlers[0].type", message: '"soap" is not one of http, openapi, grpc, mcp, client' },
    ]);
  });

  it("requires the config block of the handler's type", () => {
    expect(issues(withHandlers([{ name: "m", type: "mcp" }]))).toEqual([
      { field: "spec.handlers[0].mcpConfig", message: "required for a handler of type mcp" },
    ]);
  });

  it("rejects a bad duration", () => {
    const handler = { ...toolRegistry().spec.handlers[0], timeout: "soon" };
    expect(issues(withHandlers([handler]))).toEqual([
      { field: "spec.handlers[0].timeout", message: '"soon" is not a duration (expected forms like 30s, 5m, 1h30m)' },
    ]);
  });

  it("rejects duplicate handler names", () => {
    const handler = toolRegistry().spec.handlers[0];
    expect(issues(withHandlers([handler, handler]))).toEqual([
      { field: "spec.handlers[1]", message: 'duplicate handler name "get_location"' },
    ]);
  });

  it("rejects an empty handler list and unknown spec fields", () => {
    expect(issues({ ...toolRegistry(), spec: { handlers: [], tools: [] } })).toEqual([
      { field: "spec.handlers", message: "must list at least one handler" },
      { field: "spec.tools", message: "unknown field tools" },
    ]);
  });
});
