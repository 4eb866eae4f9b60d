import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { toolRegistry } from "./test-fixtures.js";
import { ToolRegistrySchema } from "./tool-registry.js";
import { parseToolsConfig, renderToolsConfig } from "./tools-config.js";

describe("tools.yaml", () => {
  it("round-trips a registry's handlers with defaults applied", () => {
    const registry = v.parse(ToolRegistrySchema, toolRegistry());
    const config = parseToolsConfig(renderToolsConfig(registry));
    expect(config.registry).toEqual({ name: "assistant-tools", namespace: "default" });
    expect(config.handlers).toEqual(registry.spec.handlers);
    expect(config.handlers[0]?.timeout).toBe("30s");
  });

  it("renders an empty handler list for an agent without a registry", () => {
    expect(parseToolsConfig(renderToolsConfig(undefined))).toEqual({ handlers: [] });
    expect(parseToolsConfig("")).toEqual({ handlers: [] });
  });

  it("names the bad field", () => {
    expect(() => parseToolsConfig("handlers:\n  - name: x\n    type: ftp\n")).toThrow(
      'tools config: handlers[0].type: "ftp" is not one of http, openapi, grpc, mcp, client',
    );
    expect(() => parseToolsConfig("registry: {name: r}\nhandlers: []\n")).toThrow(/registry\.namespace: /);
  });

  it("reports invalid YAML", () => {
    expect(() => parseToolsConfig("handlers: [")).toThrow(/^tools config: invalid YAML/);
  });
});
