// `http` handlers: one declared tool, one endpoint. Errors from the tool server come back to the
// model as tool errors; the turn goes on.
import type { ToolAdapter, ToolContext, ToolInvocation, ToolOutcome } from "../tool-adapter.js";
import { parseArguments } from "../parse-arguments.js";
import { authorizationHeader, DEFAULT_TOOL_SECRETS_DIR } from "./tool-auth.js";
import { httpOutcome } from "./http-outcome.js";
import { httpRequestPlan } from "./http-request-plan.js";
import { sendWithRetry } from "./send-with-retry.js";

export interface HttpToolAdapterOptions {
  /** Where the tool-secrets Secret is mounted; tokens are read from `<dir>/<handler name>`. */
  secretsDir?: string;
}

export class HttpToolAdapter implements ToolAdapter {
  private readonly secretsDir: string;

  constructor(options: HttpToolAdapterOptions = {}) {
    this.secretsDir = options.secretsDir ?? DEFAULT_TOOL_SECRETS_DIR;
  }

  async execute(call: ToolInvocation, ctx: ToolContext): Promise<ToolOutcome> {
    const config = call.handler.httpConfig;
    if (!config) return { ok: false, error: `handler "${call.handler.name}" has no httpConfig` };
    const args = parseArguments(call.argumentsJson);
    if (!args.ok) return args;
    const authorization = await authorizationHeader(call.handler.name, config.authType, this.secretsDir);
    const plan = httpRequestPlan(config, args.value, authorization);
    const answer = await sendWithRetry(plan, config.retryPolicy, ctx.signal);
    return httpOutcome(answer, config);
  }
}
