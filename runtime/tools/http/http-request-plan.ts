// Builds the request of an `http` handler from the model's arguments: urlTemplate placeholders
// ({arg} or the reference's {{.arg}}, percent-encoded), queryParams, headerParams, staticQuery,
// then the remaining arguments as the body (bodyMapping, staticBody merged over it) or, for GET and
// DELETE, as query parameters.
import type { HttpConfig } from "../../../shared/manifests/tool-registry.js";
import { isRecord } from "../is-record.js";
import { evaluateMapping } from "../mapping-expression.js";
import type { HttpRequestPlan } from "./send-with-retry.js";

const PLACEHOLDER = /\{\{\s*\.?([\w-]+)\s*\}\}|\{([\w-]+)\}/g;
const BODYLESS = new Set(["GET", "DELETE"]);

export function httpRequestPlan(config: HttpConfig, args: Record<string, unknown>, authorization: string | undefined): HttpRequestPlan {
  const rest = { ...args };
  const url = new URL(resolveUrl(config, rest));
  for (const name of config.queryParams ?? []) {
    if (rest[name] === undefined) continue;
    url.searchParams.set(name, asText(rest[name]));
    delete rest[name];
  }
  for (const [name, value] of Object.entries(config.staticQuery ?? {})) url.searchParams.set(name, value);

  const headers: Record<string, string> = { ...config.headers };
  for (const [header, template] of Object.entries(config.headerParams ?? {})) {
    headers[header] = fill(template, rest, (value) => asText(value));
  }
  if (authorization) headers["authorization"] = authorization;

  if (BODYLESS.has(config.method)) {
    for (const [name, value] of Object.entries(rest)) if (value !== undefined) url.searchParams.set(name, asText(value));
    return { method: config.method, url, headers };
  }
  const mapped = config.bodyMapping ? evaluateMapping(rest, config.bodyMapping) : rest;
  const body = config.staticBody && isRecord(mapped) ? { ...mapped, ...config.staticBody } : mapped;
  headers["content-type"] = config.contentType;
  return { method: config.method, url, headers, body: JSON.stringify(body) };
}

function resolveUrl(config: HttpConfig, rest: Record<string, unknown>): string {
  const encode = (value: unknown) => encodeURIComponent(asText(value));
  if (!config.urlTemplate) {
    if (!config.endpoint) throw new Error("httpConfig needs an endpoint or a urlTemplate");
    return config.endpoint;
  }
  const path = fill(config.urlTemplate, rest, encode);
  if (/^https?:\/\//i.test(path)) return path;
  if (!config.endpoint) throw new Error(`httpConfig.urlTemplate "${config.urlTemplate}" is relative and there is no endpoint to resolve it against`);
  return config.endpoint.replace(/\/+$/, "") + "/" + path.replace(/^\/+/, "");
}

/** Substitutes placeholders from the arguments and consumes them, so they are not sent twice. */
function fill(template: string, rest: Record<string, unknown>, render: (value: unknown) => string): string {
  return template.replace(PLACEHOLDER, (_whole, goName: string | undefined, plainName: string | undefined) => {
    const name = goName ?? plainName ?? "";
    if (rest[name] === undefined) throw new Error(`argument "${name}" is required by the handler's template "${template}"`);
    const value = render(rest[name]);
    delete rest[name];
    return value;
  });
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
