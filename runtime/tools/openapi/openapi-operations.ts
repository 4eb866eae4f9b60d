// Reads an OpenAPI 3 document (JSON or YAML) into tools: one per operation with an operationId that
// passes operationFilter, its input schema built from the path, query and header parameters plus a
// `body` property for a JSON request body.
import { parse as parseYaml } from "yaml";
import type { OpenAPIConfig } from "../../../shared/manifests/tool-registry.js";
import type { DiscoveredTool } from "../tool-adapter.js";
import { isRecord } from "../is-record.js";
import { resolveLocalRefs } from "./resolve-refs.js";

export interface OpenApiParameter {
  name: string;
  in: "path" | "query" | "header";
}

export interface OpenApiOperation {
  tool: DiscoveredTool;
  method: string;
  path: string;
  parameters: OpenApiParameter[];
  hasBody: boolean;
}

export interface OpenApiService {
  baseURL: string;
  operations: ReadonlyMap<string, OpenApiOperation>;
  /** Operations left out, with why (no operationId, cookie parameters, …). */
  skipped: string[];
}

const METHODS = ["get", "put", "post", "delete", "patch"] as const;
const PARAM_PLACES = new Set(["path", "query", "header"]);

export async function loadOpenApiService(config: OpenAPIConfig, signal: AbortSignal): Promise<OpenApiService> {
  const response = await fetch(config.specURL, { headers: { accept: "application/json, application/yaml;q=0.9, */*;q=0.5" }, signal });
  if (!response.ok) throw new Error(`fetching the spec ${config.specURL} answered HTTP ${response.status}`);
  const text = await response.text();
  let doc: unknown;
  try {
    doc = text.trimStart().startsWith("{") ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new Error(`the spec at ${config.specURL} is neither JSON nor YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  return readOpenApi(doc, config);
}

export function readOpenApi(doc: unknown, config: OpenAPIConfig): OpenApiService {
  if (!isRecord(doc) || typeof doc["openapi"] !== "string" || !isRecord(doc["paths"])) {
    throw new Error(`the spec at ${config.specURL} is not an OpenAPI 3 document (no "openapi" version or "paths")`);
  }
  const allowed = config.operationFilter?.length ? new Set(config.operationFilter) : undefined;
  const operations = new Map<string, OpenApiOperation>();
  const skipped: string[] = [];
  for (const [path, rawItem] of Object.entries(doc["paths"])) {
    const item = resolveLocalRefs(rawItem, doc);
    if (!isRecord(item)) continue;
    const shared = Array.isArray(item["parameters"]) ? item["parameters"] : [];
    for (const method of METHODS) {
      const op = item[method];
      if (!isRecord(op)) continue;
      const id = op["operationId"];
      if (typeof id !== "string" || id === "") {
        skipped.push(`${method.toUpperCase()} ${path}: no operationId`);
        continue;
      }
      if (allowed && !allowed.has(id)) continue;
      operations.set(id, readOperation(id, method, path, op, shared));
    }
  }
  for (const id of allowed ?? []) if (!operations.has(id)) skipped.push(`operationFilter names "${id}", which the spec does not have`);
  return { baseURL: baseUrl(doc, config), operations, skipped };
}

function readOperation(id: string, method: string, path: string, op: Record<string, unknown>, shared: unknown[]): OpenApiOperation {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const param of [...shared, ...(Array.isArray(op["parameters"]) ? op["parameters"] : [])]) {
    if (isRecord(param) && typeof param["name"] === "string" && typeof param["in"] === "string") byKey.set(`${param["in"]}:${param["name"]}`, param);
  }
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const parameters: OpenApiParameter[] = [];
  for (const param of byKey.values()) {
    const place = String(param["in"]);
    const name = String(param["name"]);
    if (!PARAM_PLACES.has(place)) continue;
    parameters.push({ name, in: place as OpenApiParameter["in"] });
    const schema = isRecord(param["schema"]) ? param["schema"] : { type: "string" };
    properties[name] = typeof param["description"] === "string" ? { ...schema, description: param["description"] } : schema;
    if (place === "path" || param["required"] === true) required.push(name);
  }
  const body = jsonBody(op["requestBody"]);
  if (body) {
    properties["body"] = body.schema;
    if (body.required) required.push("body");
  }
  const summary = [op["summary"], op["description"]].filter((text): text is string => typeof text === "string" && text !== "");
  return {
    tool: {
      name: id,
      description: summary.join("\n\n") || `${method.toUpperCase()} ${path}`,
      inputSchema: { type: "object", properties, ...(required.length ? { required } : {}) },
    },
    method: method.toUpperCase(),
    path,
    parameters,
    hasBody: body !== undefined,
  };
}

function jsonBody(requestBody: unknown): { schema: unknown; required: boolean } | undefined {
  if (!isRecord(requestBody) || !isRecord(requestBody["content"])) return undefined;
  const json = Object.entries(requestBody["content"]).find(([type]) => /^application\/(.+\+)?json/.test(type));
  if (!json || !isRecord(json[1])) return undefined;
  return { schema: json[1]["schema"] ?? {}, required: requestBody["required"] === true };
}

function baseUrl(doc: Record<string, unknown>, config: OpenAPIConfig): string {
  if (config.baseURL) return config.baseURL;
  const servers = doc["servers"];
  const first = Array.isArray(servers) && isRecord(servers[0]) ? servers[0]["url"] : undefined;
  // A spec without servers is served from where it was fetched (OpenAPI 3 defaults to "/").
  return new URL(typeof first === "string" ? first : "/", config.specURL).toString();
}
