import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ToolHandlerInput } from "../../shared/manifests/tool-registry.js";
import { startGrpcToolService, type GrpcToolService } from "../../test/helpers/tool-servers/grpc-tool-service.js";
import { selfSignedCert, type SelfSignedCert } from "../../test/helpers/tool-servers/self-signed-cert.js";
import { handler, resultOf, toolManagerFor, type ToolHarness } from "../../test/helpers/tool-servers/tool-manager-for.js";
import { discoverTools } from "./discover-tools.js";

let service: GrpcToolService;
const harnesses: ToolHarness[] = [];

beforeAll(async () => {
  service = await startGrpcToolService();
});
afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.manager.close()));
  await service.close();
});
beforeEach(() => {
  service.calls.length = 0;
});

const ANY_OBJECT = { type: "object" };

function grpcHandler(tool: string, extra: Record<string, unknown> = {}, inputSchema: Record<string, unknown> = ANY_OBJECT): ToolHandlerInput {
  const { grpcConfig, ...rest } = extra;
  return {
    name: `grpc-${tool}`,
    type: "grpc",
    tool: { name: tool, description: `the ${tool} tool`, inputSchema },
    grpcConfig: { endpoint: service.endpoint, ...(grpcConfig as Record<string, unknown> | undefined) },
    ...rest,
  } as ToolHandlerInput;
}

async function tools(names: string[], handlers: ToolHandlerInput[]): Promise<ToolHarness> {
  const harness = await toolManagerFor(names, handlers);
  harnesses.push(harness);
  return harness;
}

describe("grpc tools (omnia.tools.v1 ToolService)", () => {
  const ADD_SCHEMA = { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] };

  it("executes the tool by name with the session in the metadata", async () => {
    const harness = await tools(["add"], [grpcHandler("add", {}, ADD_SCHEMA)]);
    expect(resultOf(await harness.call("add", { a: 2, b: 40 }))).toEqual({ sum: 42 });
    expect(service.calls).toEqual([{ toolName: "add", metadata: { session_id: "s-1", call_id: expect.any(String) } }]);
  });

  it("turns is_error answers and unknown tools into tool errors", async () => {
    const harness = await tools(["fail", "nothing"], [grpcHandler("fail"), grpcHandler("nothing")]);
    expect(await harness.call("fail", {})).toEqual({ ok: false, error: "the ledger is closed" });
    expect(await harness.call("nothing", {})).toEqual({ ok: false, error: expect.stringContaining("gRPC NOT_FOUND") });
  });

  it("checks arguments before the call", async () => {
    const harness = await tools(["add"], [grpcHandler("add", {}, ADD_SCHEMA)]);
    expect(await harness.call("add", { a: 1 })).toEqual({ ok: false, error: expect.stringContaining('"b" is required') });
    expect(service.calls).toHaveLength(0);
  });

  it("retries the status codes of its retryPolicy, and only those", async () => {
    const harness = await tools(["unavailable"], [grpcHandler("unavailable", { grpcConfig: { retryPolicy: { maxAttempts: 3, initialBackoff: "10ms" } } })]);
    service.refuse(2);
    expect(resultOf(await harness.call("unavailable", {}))).toEqual({ recovered: true });
    expect(service.calls).toHaveLength(3);

    const strict = await tools(["unavailable"], [grpcHandler("unavailable", { grpcConfig: { retryPolicy: { maxAttempts: 3, retryableStatusCodes: ["DEADLINE_EXCEEDED"] } } })]);
    service.refuse(1);
    service.calls.length = 0;
    expect(await strict.call("unavailable", {})).toEqual({ ok: false, error: "gRPC UNAVAILABLE: warming up" });
    expect(service.calls).toHaveLength(1);
  });

  it("ends a call that outlasts the handler's timeout with a tool error", async () => {
    const harness = await tools(["slow"], [grpcHandler("slow", { timeout: "200ms" })]);
    expect(await harness.call("slow", { ms: 3000 })).toEqual({ ok: false, error: 'tool "slow" timed out after 200ms' });
  });

  it("reports a server that is not there as a tool error", async () => {
    const harness = await tools(["add"], [grpcHandler("add", { grpcConfig: { endpoint: "127.0.0.1:1" } })]);
    expect(await harness.call("add", { a: 1, b: 2 })).toEqual({ ok: false, error: expect.stringContaining("gRPC UNAVAILABLE") });
  });

  it("discovers the declared tool", async () => {
    expect(await discoverTools(handler(grpcHandler("add", {}, ADD_SCHEMA)))).toEqual({
      ok: true,
      handler: "grpc-add",
      tools: [{ name: "add", description: "the add tool", inputSchema: ADD_SCHEMA }],
      notes: [],
    });
  });
});

describe("grpc tools over TLS", () => {
  let cert: SelfSignedCert;
  let secure: GrpcToolService;
  beforeAll(async () => {
    cert = await selfSignedCert();
    secure = await startGrpcToolService({ key: cert.key, cert: cert.cert });
  });
  afterAll(async () => {
    await Promise.all(harnesses.map((h) => h.manager.close()));
    await secure.close();
    await cert.remove();
  });

  const addOver = (grpcConfig: Record<string, unknown>) => ({
    name: "secure-add",
    type: "grpc" as const,
    tool: { name: "add", description: "adds", inputSchema: ANY_OBJECT },
    grpcConfig: { endpoint: secure.endpoint, tls: true, ...grpcConfig },
  });

  it("trusts the server through tlsCAPath", async () => {
    const harness = await tools(["add"], [addOver({ tlsCAPath: cert.certPath })]);
    expect(resultOf(await harness.call("add", { a: 1, b: 1 }))).toEqual({ sum: 2 });
  });

  it("refuses a certificate it cannot verify unless tlsInsecureSkipVerify", async () => {
    const strict = await tools(["add"], [addOver({})]);
    expect(await strict.call("add", { a: 1, b: 1 })).toEqual({ ok: false, error: expect.stringMatching(/gRPC (UNAVAILABLE|INTERNAL|UNKNOWN).*certificate/i) });
    const lax = await tools(["add"], [addOver({ tlsInsecureSkipVerify: true })]);
    expect(resultOf(await lax.call("add", { a: 1, b: 2 }))).toEqual({ sum: 3 });
  });
});
