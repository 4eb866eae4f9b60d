// A small pet service that serves its own OpenAPI 3 spec (JSON at /openapi.json, YAML at
// /openapi.yaml) and implements it under /v1. createPet needs `Authorization: Bearer <token>`.
import { createServer, type ServerResponse } from "node:http";
import { stringify as stringifyYaml } from "yaml";
import { freePort } from "../free-port.js";

export interface PetService {
  url: string;
  /** Every request the service answered, as "METHOD /path?query" plus the headers it got. */
  requests: { line: string; headers: Record<string, string | string[] | undefined> }[];
  close(): Promise<void>;
}

export const PET_TOKEN = "pets-token";

const SPEC = {
  openapi: "3.0.3",
  info: { title: "Pets", version: "1.0.0" },
  servers: [{ url: "/v1" }],
  paths: {
    "/pets": {
      get: {
        operationId: "listPets",
        summary: "List pets",
        parameters: [
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1 }, description: "How many to list" },
          { $ref: "#/components/parameters/TraceId" },
        ],
        responses: { "200": { description: "pets" } },
      },
      post: {
        operationId: "createPet",
        summary: "Add a pet",
        requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/NewPet" } } } },
        responses: { "201": { description: "created" } },
      },
    },
    "/pets/{petId}": {
      parameters: [{ name: "petId", in: "path", required: true, schema: { type: "string" } }],
      get: { operationId: "getPet", description: "One pet by id", responses: { "200": { description: "pet" } } },
      delete: { operationId: "deletePet", responses: { "204": { description: "gone" } } },
    },
    "/health": { get: { responses: { "200": { description: "ok" } } } },
  },
  components: {
    parameters: { TraceId: { name: "X-Trace-Id", in: "header", schema: { type: "string" } } },
    schemas: {
      NewPet: { type: "object", required: ["name"], properties: { name: { type: "string" }, tag: { $ref: "#/components/schemas/Tag" } } },
      Tag: { type: "string", enum: ["cat", "dog"] },
    },
  },
};

const PETS = [
  { id: "1", name: "Rex", tag: "dog" },
  { id: "2", name: "Tom", tag: "cat" },
  { id: "3", name: "Kit", tag: "cat" },
];

export async function startPetService(): Promise<PetService> {
  const requests: PetService["requests"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      requests.push({ line: `${req.method} ${url.pathname}${url.search}`, headers: req.headers });
      const body = Buffer.concat(chunks).toString("utf8");
      route(req.method ?? "GET", url, req.headers["authorization"], body, res);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function route(method: string, url: URL, authorization: string | undefined, body: string, res: ServerResponse): void {
  if (url.pathname === "/openapi.json") return json(res, 200, SPEC);
  if (url.pathname === "/openapi.yaml") return void res.writeHead(200, { "content-type": "application/yaml" }).end(stringifyYaml(SPEC));
  if (url.pathname === "/not-openapi.json") return json(res, 200, { hello: "world" });
  if (url.pathname === "/v1/pets" && method === "GET") return json(res, 200, PETS.slice(0, Number(url.searchParams.get("limit") ?? PETS.length)));
  if (url.pathname === "/v1/pets" && method === "POST") {
    if (authorization !== `Bearer ${PET_TOKEN}`) return json(res, 401, { error: "unauthorized" });
    return json(res, 201, { id: "4", ...(JSON.parse(body) as Record<string, unknown>) });
  }
  const one = /^\/v1\/pets\/([^/]+)$/.exec(url.pathname);
  if (one && method === "GET") {
    const pet = PETS.find((p) => p.id === decodeURIComponent(one[1] ?? ""));
    return pet ? json(res, 200, pet) : json(res, 404, { error: `no pet ${decodeURIComponent(one[1] ?? "")}` });
  }
  json(res, 404, { error: "not found" });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
