import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PET_TOKEN, startPetService, type PetService } from "../../test/helpers/tool-servers/openapi-pet-service.js";
import { handler, resultOf, toolManagerFor } from "../../test/helpers/tool-servers/tool-manager-for.js";
import { discoverTools } from "./discover-tools.js";

let pets: PetService;
let secretsDir: string;

beforeAll(async () => {
  pets = await startPetService();
  secretsDir = await mkdtemp(join(tmpdir(), "omnia-tool-secrets-"));
  await writeFile(join(secretsDir, "pets"), PET_TOKEN);
});
afterAll(async () => {
  await pets.close();
  await rm(secretsDir, { recursive: true, force: true });
});
beforeEach(() => {
  pets.requests.length = 0;
});

const petsHandler = (openAPIConfig: Record<string, unknown>) => ({ name: "pets", type: "openapi" as const, openAPIConfig: { specURL: `${pets.url}/openapi.json`, ...openAPIConfig } });

describe("openapi tools", () => {
  it("discovers one tool per operation with an operationId, its schema built from parameters and the JSON body with $refs inlined", async () => {
    const result = await discoverTools(handler(petsHandler({})));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.tools.map((t) => t.name).sort()).toEqual(["createPet", "deletePet", "getPet", "listPets"]);
    expect(result.notes).toEqual(["GET /health: no operationId"]);
    const byName = new Map(result.tools.map((t) => [t.name, t]));
    expect(byName.get("listPets")).toEqual({
      name: "listPets",
      description: "List pets",
      inputSchema: {
        type: "object",
        properties: { limit: { type: "integer", minimum: 1, description: "How many to list" }, "X-Trace-Id": { type: "string" } },
      },
    });
    expect(byName.get("getPet")?.inputSchema).toEqual({ type: "object", properties: { petId: { type: "string" } }, required: ["petId"] });
    expect(byName.get("createPet")?.inputSchema).toEqual({
      type: "object",
      properties: { body: { type: "object", required: ["name"], properties: { name: { type: "string" }, tag: { type: "string", enum: ["cat", "dog"] } } } },
      required: ["body"],
    });
  });

  it("reads a YAML spec the same way and keeps only the operations of operationFilter", async () => {
    const result = await discoverTools(handler(petsHandler({ specURL: `${pets.url}/openapi.yaml`, operationFilter: ["getPet", "listPets", "feedPet"] })));
    expect(result).toMatchObject({ ok: true, handler: "pets" });
    if (!result.ok) return;
    expect(result.tools.map((t) => t.name)).toEqual(["listPets", "getPet"]);
    expect(result.notes).toContain('operationFilter names "feedPet", which the spec does not have');
  });

  it("reports a spec it cannot use as a discovery error naming the handler, without throwing", async () => {
    expect(await discoverTools(handler(petsHandler({ specURL: `${pets.url}/missing.json` })))).toEqual({
      ok: false,
      handler: "pets",
      error: expect.stringContaining("HTTP 404"),
    });
    expect(await discoverTools(handler(petsHandler({ specURL: `${pets.url}/not-openapi.json` })))).toEqual({
      ok: false,
      handler: "pets",
      error: expect.stringContaining("not an OpenAPI 3 document"),
    });
  });

  it("calls operations at the spec's server: path, query and header parameters, JSON body, bearer auth from the mounted secret", async () => {
    const tools = await toolManagerFor(["listPets", "getPet", "createPet"], [petsHandler({ authType: "bearer", operationFilter: ["listPets", "getPet", "createPet"] })], { secretsDir });
    expect(tools.manager.specs.map((s) => s.name)).toEqual(["listPets", "getPet", "createPet"]);
    expect(resultOf(await tools.call("listPets", { limit: 2, "X-Trace-Id": "trace-7" }))).toEqual([
      { id: "1", name: "Rex", tag: "dog" },
      { id: "2", name: "Tom", tag: "cat" },
    ]);
    expect(pets.requests.at(-1)?.line).toBe("GET /v1/pets?limit=2");
    expect(pets.requests.at(-1)?.headers["x-trace-id"]).toBe("trace-7");
    expect(resultOf(await tools.call("getPet", { petId: "2" }))).toEqual({ id: "2", name: "Tom", tag: "cat" });
    expect(resultOf(await tools.call("createPet", { body: { name: "Bo", tag: "dog" } }))).toEqual({ id: "4", name: "Bo", tag: "dog" });
    expect(pets.requests.filter((r) => r.line.startsWith("GET /openapi")).length).toBe(1);
  });

  it("tells the model about API errors and bad arguments; the spec's schema is what checks them", async () => {
    const tools = await toolManagerFor(["getPet", "createPet"], [petsHandler({})]);
    expect(await tools.call("getPet", { petId: "99" })).toEqual({ ok: false, error: expect.stringContaining("HTTP 404") });
    expect(await tools.call("createPet", { body: { name: "Bo" } })).toEqual({ ok: false, error: expect.stringContaining("HTTP 401") });
    expect(await tools.call("createPet", { body: { tag: "bird" } })).toEqual({ ok: false, error: expect.stringMatching(/"body.name" is required.*"body.tag" must be equal to one of the allowed values/) });
  });

  it("sends calls to baseURL when it overrides the spec's servers", async () => {
    const tools = await toolManagerFor(["getPet"], [petsHandler({ baseURL: `${pets.url}/v1/` })]);
    expect(resultOf(await tools.call("getPet", { petId: "1" }))).toMatchObject({ name: "Rex" });
    expect(pets.requests.at(-1)?.line).toBe("GET /v1/pets/1");
  });

  it("offers nothing from a handler whose discovery failed, and says so in the warnings", async () => {
    const tools = await toolManagerFor(["getPet"], [petsHandler({ specURL: `${pets.url}/missing.json` })]);
    expect(tools.manager.warnings.join("\n")).toMatch(/handler "pets": tool discovery failed, its tools are not offered: .*HTTP 404/);
    await expect(tools.call("getPet", { petId: "1" })).rejects.toMatchObject({ code: "TOOL_FAILED" });
  });
});
