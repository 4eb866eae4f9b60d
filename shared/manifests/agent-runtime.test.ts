import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { AgentRuntimeSchema } from "./agent-runtime.js";
import { describeIssues } from "./issue-path.js";
import { agentRuntime } from "./test-fixtures.js";

function issues(input: unknown) {
  const result = v.safeParse(AgentRuntimeSchema, input);
  return result.success ? [] : describeIssues(result.issues);
}

describe("AgentRuntimeSchema", () => {
  it("applies facade, context and runtime defaults", () => {
    const parsed = v.parse(AgentRuntimeSchema, agentRuntime("a", { facades: [{}] }));
    expect(parsed.spec.facades).toEqual([{ type: "websocket", port: 8080, handler: "runtime", managementPlane: true }]);
    expect(parsed.spec.context).toEqual({ type: "memory", ttl: "24h" });
    expect(parsed.spec.runtime).toEqual({ replicas: 1, volumes: [], volumeMounts: [], extraEnv: [] });
    expect(parsed.spec.serviceGroup).toBe("default");
    expect(parsed.spec.providers?.[0]?.role).toBe("llm");
  });

  it("folds the early single `facade` and `session` into facades and context", () => {
    const input = agentRuntime("a", { facades: undefined, facade: { port: 9090 }, session: { type: "memory", ttl: "1h" } });
    const parsed = v.parse(AgentRuntimeSchema, input);
    expect(parsed.spec.facades[0]?.port).toBe(9090);
    expect(parsed.spec.context.ttl).toBe("1h");
  });

  it("rejects a port that is a string", () => {
    expect(issues(agentRuntime("a", { facades: [{ port: "8080" }] }))).toEqual([
      { field: "spec.facades[0].port", message: 'Invalid type: Expected number but received "8080"' },
    ]);
  });

  it("rejects a port out of range", () => {
    expect(issues(agentRuntime("a", { facades: [{ port: 70000 }] }))).toEqual([
      { field: "spec.facades[0].port", message: "must be between 1 and 65535" },
    ]);
  });

  it("requires promptPackRef", () => {
    expect(issues(agentRuntime("a", { promptPackRef: undefined }))).toEqual([
      { field: "spec.promptPackRef", message: "required" },
    ]);
  });

  it("rejects a wrong enum value", () => {
    expect(issues(agentRuntime("a", { facades: [{ type: "smoke-signal" }] }))).toEqual([
      { field: "spec.facades[0].type", message: '"smoke-signal" is not one of websocket, a2a, rest, mcp, custom' },
    ]);
    expect(issues(agentRuntime("a", { context: { type: "disk" } }))).toEqual([
      { field: "spec.context.type", message: '"disk" is not one of memory, redis, postgres' },
    ]);
  });

  it("requires a storeRef for a redis context", () => {
    expect(issues(agentRuntime("a", { context: { type: "redis" } }))).toEqual([
      { field: "spec.context.storeRef", message: "required when type is not memory" },
    ]);
  });

  it("rejects unknown spec fields and a missing facade", () => {
    expect(issues(agentRuntime("a", { facades: undefined, replicas: 2 }))).toEqual([
      { field: "spec.replicas", message: "unknown field replicas" },
    ]);
    expect(issues(agentRuntime("a", { facades: undefined }))).toEqual([
      { field: "spec.facades", message: "required: list at least one facade" },
    ]);
  });

  it("rejects a bad name and a bad ttl", () => {
    expect(issues(agentRuntime("My_Agent", { context: { ttl: "a day" } }))).toEqual([
      {
        field: "metadata.name",
        message: `"My_Agent" is not a DNS-1123 name (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit)`,
      },
      { field: "spec.context.ttl", message: '"a day" is not a duration (expected forms like 30s, 5m, 1h30m)' },
    ]);
  });

  it("keeps sub-objects it does not model yet", () => {
    const parsed = v.parse(AgentRuntimeSchema, agentRuntime("a", { evals: { enabled: true, sampling: { defaultRate: 50 } } }));
    expect(parsed.spec.evals).toEqual({ enabled: true, sampling: { defaultRate: 50 } });
  });
});

describe("AgentRuntime spec.media", () => {
  it("names what is missing or wrong in the storage settings", () => {
    const messages = (spec: Record<string, unknown>) => issues(agentRuntime("assistant", spec)).map((i) => `${i.field}: ${i.message}`).join("; ");
    expect(messages({ media: { storage: { type: "s3" } } })).toMatch(/spec\.media\.storage\.s3: required for storage type s3/);
    expect(messages({ media: { storage: { type: "ftp" } } })).toMatch(/spec\.media\.storage\.type: .*ftp.* is not one of none, local, s3, gcs, azure/);
    expect(messages({ console: { allowedAttachmentTypes: ["png"] } })).toMatch(/must be a MIME type such as image\/png or image\/\*/);
    expect(messages({ media: { storage: { type: "local" } }, console: { allowedAttachmentTypes: ["image/*"] } })).toBe("");
  });
});
