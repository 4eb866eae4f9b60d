import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ToolHandlerInput } from "../../shared/manifests/tool-registry.js";
import { startHttpToolServer, type HttpToolServer } from "../../test/helpers/tool-servers/http-tool-server.js";
import { resultOf, toolManagerFor } from "../../test/helpers/tool-servers/tool-manager-for.js";

let server: HttpToolServer;
let secretsDir: string;

beforeAll(async () => {
  server = await startHttpToolServer();
  secretsDir = await mkdtemp(join(tmpdir(), "omnia-tool-secrets-"));
  await writeFile(join(secretsDir, "weather"), "weather-token\n");
  await writeFile(join(secretsDir, "orders"), "svc:pa55");
});
afterAll(async () => {
  await server.close();
  await rm(secretsDir, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
});

const CITY_SCHEMA = { type: "object", properties: { city: { type: "string" }, days: { type: "integer" }, customer: { type: "string" } }, required: ["city"] };

function weather(httpConfig: Record<string, unknown>, extra: Partial<ToolHandlerInput> = {}): ToolHandlerInput {
  return {
    name: "weather",
    type: "http",
    tool: { name: "get_weather", description: "Forecast", inputSchema: CITY_SCHEMA },
    httpConfig: { endpoint: server.url, ...httpConfig },
    ...extra,
  } as ToolHandlerInput;
}

describe("http tools", () => {
  it("builds the request from the arguments: path template (encoded), query and header params, static query, bearer token from the mounted secret", async () => {
    const tools = await toolManagerFor(
      ["get_weather"],
      [
        weather({
          method: "GET",
          urlTemplate: "/echo/{city}",
          authType: "bearer",
          queryParams: ["days"],
          headerParams: { "X-Customer": "{{.customer}}" },
          staticQuery: { units: "metric" },
          headers: { "X-Static": "yes" },
        }),
      ],
      { secretsDir },
    );
    const result = resultOf(await tools.call("get_weather", { city: "São Paulo/Centro", days: 3, customer: "c-9" }));
    const seen = server.requests[0];
    expect(seen?.method).toBe("GET");
    expect(seen?.path).toBe("/echo/S%C3%A3o%20Paulo%2FCentro");
    expect(seen?.query).toEqual({ days: "3", units: "metric" });
    expect(seen?.headers["authorization"]).toBe("Bearer weather-token");
    expect(seen?.headers["x-customer"]).toBe("c-9");
    expect(seen?.headers["x-static"]).toBe("yes");
    expect(result).toMatchObject({ method: "GET", query: { days: "3", units: "metric" } });
  });

  it("POSTs the arguments through bodyMapping with staticBody merged, basic auth, and shapes the answer with responseMapping and redact", async () => {
    const tools = await toolManagerFor(
      ["place_order"],
      [
        {
          name: "orders",
          type: "http",
          tool: { name: "place_order", description: "Order", inputSchema: { type: "object", properties: { order: { type: "object" } }, required: ["order"] } },
          httpConfig: {
            endpoint: `${server.url}/echo/orders`,
            authType: "basic",
            bodyMapping: "order",
            staticBody: { channel: "agent" },
            responseMapping: "data.items",
            redact: ["apiKey"],
          },
        },
      ],
      { secretsDir },
    );
    const outcome = await tools.call("place_order", { order: { sku: "A1", qty: 2 } });
    expect(JSON.parse(server.requests[0]?.body ?? "")).toEqual({ sku: "A1", qty: 2, channel: "agent" });
    expect(server.requests[0]?.headers["authorization"]).toBe(`Basic ${Buffer.from("svc:pa55").toString("base64")}`);
    expect(server.requests[0]?.headers["content-type"]).toBe("application/json");
    expect(resultOf(outcome)).toEqual([{ name: "first" }, { name: "second" }]);
    expect(JSON.stringify(outcome)).not.toContain("k-1");
  });

  it("redacts fields at any depth, also from error bodies", async () => {
    const tools = await toolManagerFor(
      ["get_weather", "broken"],
      [
        weather({ urlTemplate: "/echo/x", redact: ["token", "apiKey"] }),
        { name: "broken", type: "http", tool: { name: "broken", description: "b", inputSchema: { type: "object" } }, httpConfig: { endpoint: `${server.url}/broken`, redact: ["password"] } },
      ],
    );
    const ok = await tools.call("get_weather", { city: "Oslo" });
    expect(resultOf(ok)).toMatchObject({ internal: {}, data: { items: [{ name: "first" }, { name: "second" }] } });
    expect(JSON.stringify(ok)).not.toMatch(/t-123|k-1|k-2/);
    const failed = await tools.call("broken", {});
    expect(failed).toEqual({ ok: false, error: expect.stringContaining("HTTP 500") });
    expect(JSON.stringify(failed)).toContain("the database is on fire");
    expect(JSON.stringify(failed)).not.toContain("hunter2");
  });

  it("retries a 429 after the server's Retry-After, then answers", async () => {
    server.refuse("/limited", 1);
    const tools = await toolManagerFor(["get_weather"], [weather({ endpoint: `${server.url}/limited`, retryPolicy: { maxAttempts: 3, initialBackoff: "10ms" } })]);
    const outcome = await tools.call("get_weather", { city: "Oslo" });
    expect(outcome.ok).toBe(true);
    expect(server.requests).toHaveLength(2);
    const waited = (server.requests[1]?.at ?? 0) - (server.requests[0]?.at ?? 0);
    expect(waited).toBeGreaterThanOrEqual(950);
  });

  it("retries a 500 with backoff up to maxAttempts, then tells the model", async () => {
    server.refuse("/flaky", 5);
    const tools = await toolManagerFor(["get_weather"], [weather({ endpoint: `${server.url}/flaky`, retryPolicy: { maxAttempts: 3, initialBackoff: "20ms" } })]);
    expect(await tools.call("get_weather", { city: "Oslo" })).toEqual({ ok: false, error: expect.stringMatching(/^HTTP 500 after 3 attempts/) });
    expect(server.requests).toHaveLength(3);
    server.refuse("/flaky", 1);
    server.requests.length = 0;
    expect((await tools.call("get_weather", { city: "Oslo" })).ok).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it("does not retry without a retryPolicy", async () => {
    server.refuse("/flaky", 1);
    const tools = await toolManagerFor(["get_weather"], [weather({ endpoint: `${server.url}/flaky` })]);
    expect((await tools.call("get_weather", { city: "Oslo" })).ok).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it("ends a call that outlasts the handler's timeout with a tool error", async () => {
    const tools = await toolManagerFor(["get_weather"], [weather({ endpoint: `${server.url}/slow?ms=3000` }, { timeout: "200ms" })]);
    const started = Date.now();
    expect(await tools.call("get_weather", { city: "Oslo" })).toEqual({ ok: false, error: 'tool "get_weather" timed out after 200ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("checks the arguments against the input schema before calling, naming the field", async () => {
    const tools = await toolManagerFor(["get_weather"], [weather({ urlTemplate: "/echo/x" })]);
    expect(await tools.call("get_weather", { days: 2 })).toEqual({ ok: false, error: expect.stringContaining('"city" is required') });
    expect(await tools.call("get_weather", { city: 42 })).toEqual({ ok: false, error: expect.stringContaining('"city" must be string') });
    expect(await tools.call("get_weather", "{not json")).toEqual({ ok: false, error: expect.stringContaining("not valid JSON") });
    expect(server.requests).toHaveLength(0);
  });

  it("keeps a text answer as a JSON string, and reports a token that is not mounted without sending the request", async () => {
    const tools = await toolManagerFor(
      ["get_weather", "plain", "escape"],
      [
        weather({ authType: "bearer" }, { name: "unmounted" }),
        { name: "plain", type: "http", tool: { name: "plain", description: "p", inputSchema: { type: "object" } }, httpConfig: { endpoint: `${server.url}/text`, method: "GET" } },
        weather({ authType: "bearer" }, { name: "../weather", tool: { name: "escape", description: "e", inputSchema: { type: "object" } } }),
      ],
      { secretsDir },
    );
    expect(await tools.call("plain", {})).toEqual({ ok: true, resultJson: '"plain words"' });
    expect(await tools.call("get_weather", { city: "Oslo" })).toEqual({ ok: false, error: expect.stringContaining(`cannot read the token file ${join(secretsDir, "unmounted")} (ENOENT)`) });
    expect(await tools.call("escape", {})).toEqual({ ok: false, error: expect.stringContaining("cannot be a Secret key") });
    expect(server.requests.map((r) => r.path)).toEqual(["/text"]);
  });

  it("shapes answers with full JMESPath (projections, pipes, functions) and answers a malformed expression with a tool error naming it", async () => {
    const tools = await toolManagerFor(
      ["get_weather", "first_name", "broken_mapping"],
      [
        weather({ urlTemplate: "/echo/x", responseMapping: "{names: data.items[*].name, count: length(data.items)}" }),
        { name: "first", type: "http", tool: { name: "first_name", description: "f", inputSchema: { type: "object" } }, httpConfig: { endpoint: `${server.url}/echo/y`, responseMapping: "data.items[*].name | [0]" } },
        { name: "bad", type: "http", tool: { name: "broken_mapping", description: "b", inputSchema: { type: "object" } }, httpConfig: { endpoint: `${server.url}/echo/z`, responseMapping: "data.[" } },
      ],
    );
    expect(resultOf(await tools.call("get_weather", { city: "Oslo" }))).toEqual({ names: ["first", "second"], count: 2 });
    expect(resultOf(await tools.call("first_name", {}))).toBe("first");
    expect(await tools.call("broken_mapping", {})).toEqual({ ok: false, error: expect.stringContaining('mapping "data.[" is not valid JMESPath') });
  });
});
