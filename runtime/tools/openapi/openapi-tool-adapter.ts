// `openapi` handlers: each allowed operation is a tool; a call becomes the operation's request and
// goes through the same HTTP path (auth, retries, Retry-After) as `http` handlers.
import type { OpenAPIConfig } from "../../../shared/manifests/tool-registry.js";
import type { ToolAdapter, ToolContext, ToolInvocation, ToolOutcome } from "../tool-adapter.js";
import { parseArguments } from "../parse-arguments.js";
import { authorizationHeader, DEFAULT_TOOL_SECRETS_DIR } from "../http/tool-auth.js";
import { httpOutcome } from "../http/http-outcome.js";
import { sendWithRetry, type HttpRequestPlan } from "../http/send-with-retry.js";
import type { OpenApiOperation } from "./openapi-operations.js";
import { OpenApiServices } from "./openapi-services.js";

export interface OpenApiToolAdapterOptions {
  /** Shared with discoverTools so the spec read at start is the one calls use. */
  services?: OpenApiServices;
  secretsDir?: string;
}

export class OpenApiToolAdapter implements ToolAdapter {
  readonly services: OpenApiServices;
  private readonly secretsDir: string;

  constructor(options: OpenApiToolAdapterOptions = {}) {
    this.services = options.services ?? new OpenApiServices();
    this.secretsDir = options.secretsDir ?? DEFAULT_TOOL_SECRETS_DIR;
  }

  async execute(call: ToolInvocation, ctx: ToolContext): Promise<ToolOutcome> {
    const config = call.handler.openAPIConfig;
    if (!config) return { ok: false, error: `handler "${call.handler.name}" has no openAPIConfig` };
    const service = await this.services.get(call.handler, ctx.signal);
    const operation = service.operations.get(call.name);
    if (!operation) return { ok: false, error: `the OpenAPI spec of handler "${call.handler.name}" has no allowed operation "${call.name}"` };
    const args = parseArguments(call.argumentsJson);
    if (!args.ok) return args;
    const authorization = await authorizationHeader(call.handler.name, config.authType, this.secretsDir);
    const plan = operationRequest(service.baseURL, operation, config, args.value, authorization);
    return httpOutcome(await sendWithRetry(plan, config.retryPolicy, ctx.signal), {});
  }
}

function operationRequest(
  baseURL: string,
  operation: OpenApiOperation,
  config: OpenAPIConfig,
  args: Record<string, unknown>,
  authorization: string | undefined,
): HttpRequestPlan {
  let path = operation.path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = { ...config.headers, accept: "application/json" };
  for (const param of operation.parameters) {
    const value = args[param.name];
    if (value === undefined) continue;
    const text = typeof value === "string" ? value : JSON.stringify(value);
    if (param.in === "path") path = path.replaceAll(`{${param.name}}`, encodeURIComponent(text));
    else if (param.in === "query") query.append(param.name, text);
    else headers[param.name.toLowerCase()] = text;
  }
  const url = new URL(baseURL.replace(/\/+$/, "") + path);
  for (const [name, value] of query) url.searchParams.append(name, value);
  if (authorization) headers["authorization"] = authorization;
  if (!operation.hasBody || args["body"] === undefined) return { method: operation.method, url, headers };
  headers["content-type"] = "application/json";
  return { method: operation.method, url, headers, body: JSON.stringify(args["body"]) };
}
