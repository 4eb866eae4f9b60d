// A local OpenAI Chat Completions API (POST /v1/chat/completions, stream: true) speaking its SSE wire
// format: chat.completion.chunk objects with delta.content / delta.tool_calls, a finish_reason, a
// usage-only chunk when stream_options.include_usage asks for it, then `data: [DONE]`. The same
// wire format serves OpenAI, Ollama's and vLLM's OpenAI-compatible endpoints; what differs (whether
// a key is required, the error JSON) is the flavour.
import {
  type Exchange,
  isObject,
  lastUserText,
  playFailure,
  type ProviderServer,
  type Scenario,
  scenarioOf,
  sendJson,
  startProviderServer,
  startSse,
  streamAnswer,
  TOOL_CALL,
  USAGE,
  writeSse,
} from "./provider-server.js";

export type ChatCompletionsFlavour = "openai" | "ollama" | "vllm";

export interface ChatCompletionsServerOptions {
  flavour: ChatCompletionsFlavour;
  /** The Bearer key required; Ollama checks none, vLLM one only when started with --api-key. */
  apiKey?: string;
  /**
   * Answers a test writes itself (a multi-step tool loop): called with each valid request's body;
   * undefined plays the scenario the last user message names, as without a script.
   */
  script?: (body: Record<string, unknown>) => ScriptedAnswer | undefined;
}

/** A scripted answer: tool calls (finish_reason tool_calls), or text streamed in these pieces. */
export type ScriptedAnswer = { toolCalls: ScriptedToolCall[] } | { text: string[] };
export type ScriptedToolCall = typeof TOOL_CALL;

const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);

export function startChatCompletionsServer(options: ChatCompletionsServerOptions): Promise<ProviderServer> {
  const errorBody = (status: number, message: string): unknown =>
    options.flavour === "vllm"
      ? { object: "error", message, type: status === 401 ? "Unauthorized" : "BadRequestError", param: null, code: status }
      : { error: { message, type: status === 401 ? "invalid_request_error" : status === 429 ? "rate_limit_exceeded" : "server_error", param: null, code: status === 401 ? "invalid_api_key" : null } };
  return startProviderServer(
    "/v1",
    ({ request, response }) => {
      const fail = (status: number, message: string) => sendJson(response, status, errorBody(status, message));
      if (request.method !== "POST" || request.url !== "/v1/chat/completions") return void fail(404, `Unknown request URL: ${request.method} ${request.url}`);
      if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        // OpenAI echoes a masked key; the runtime must not pass this message on.
        return void fail(401, `Incorrect API key provided: ${mask(request.headers.authorization)}`);
      }
      const problem = bodyProblem(request.body);
      if (problem) return void fail(400, problem);
      return scenarioOf(lastUserText(request.body));
    },
    (exchange, scenario) => play(exchange, scenario, errorBody, options.script),
  );
}

function mask(authorization: string | undefined): string {
  const key = authorization?.replace(/^Bearer\s+/i, "") ?? "";
  return key.length > 8 ? `${key.slice(0, 3)}***${key.slice(-4)}` : "***";
}

function bodyProblem(body: unknown): string | undefined {
  if (!isObject(body)) return "body: must be a JSON object";
  if (typeof body.model !== "string" || body.model === "") return "you must provide a model parameter";
  if (body.stream !== true) return "stream: this server only streams";
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return "messages: must be a non-empty array";
  for (const [i, m] of messages.entries()) {
    if (!isObject(m) || typeof m.role !== "string" || !ROLES.has(m.role)) return `messages[${i}].role: invalid value`;
    if (m.role === "tool" && typeof m.tool_call_id !== "string") return `messages[${i}].tool_call_id: required for role tool`;
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return "tools: must be an array";
    for (const [i, t] of body.tools.entries()) {
      if (!isObject(t) || t.type !== "function" || !isObject(t.function) || typeof t.function.name !== "string") return `tools[${i}]: must be {type: "function", function: {name, parameters}}`;
    }
  }
  return undefined;
}


function play(exchange: Exchange, scenario: Scenario, errorBody: (status: number, message: string) => unknown, script: ChatCompletionsServerOptions["script"]): void {
  const { response: res, request } = exchange;
  const body = isObject(request.body) ? request.body : {};
  const scripted = script?.(body);
  if (!scripted && playFailure(exchange, scenario, (status, headers) => sendJson(res, status, errorBody(status, "please retry"), headers))) return;
  const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
  const chunk = (choice: Record<string, unknown> | undefined, usage: unknown = null) => ({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: body.model,
    choices: choice ? [{ index: 0, finish_reason: null, ...choice }] : [],
    ...(includeUsage ? { usage } : {}),
  });
  const finish = (reason: string) => {
    writeSse(res, chunk({ delta: {}, finish_reason: reason }));
    if (includeUsage) {
      const usage = { prompt_tokens: USAGE.inputTokens, completion_tokens: USAGE.outputTokens, total_tokens: USAGE.inputTokens + USAGE.outputTokens };
      writeSse(res, chunk(undefined, usage));
    }
    writeSse(res, "[DONE]");
  };
  startSse(res);
  writeSse(res, chunk({ delta: { role: "assistant", content: "" } }));
  const toolCalls = scripted ? ("toolCalls" in scripted ? scripted.toolCalls : []) : scenario === "tool" ? [TOOL_CALL] : [];
  if (toolCalls.length > 0) {
    for (const [index, call] of toolCalls.entries()) {
      const half = call.argumentsJson.length / 2;
      writeSse(res, chunk({ delta: { tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] } }));
      for (const part of [call.argumentsJson.slice(0, half), call.argumentsJson.slice(half)]) {
        writeSse(res, chunk({ delta: { tool_calls: [{ index, function: { arguments: part } }] } }));
      }
    }
    finish("tool_calls");
    res.end();
    return;
  }
  if (scripted && "text" in scripted) {
    for (const content of scripted.text) writeSse(res, chunk({ delta: { content } }));
    finish("stop");
    res.end();
    return;
  }
  streamAnswer(exchange, scenario, (content) => writeSse(res, chunk({ delta: { content } })), () => finish("stop"));
}
