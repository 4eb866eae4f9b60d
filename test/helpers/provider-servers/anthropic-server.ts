// A local Anthropic Messages API (POST /v1/messages, stream: true) speaking its SSE wire format:
// message_start, content_block_start/delta/stop (text_delta, input_json_delta), message_delta with
// stop_reason and usage, message_stop. Checks x-api-key, anthropic-version and the body's shape and
// answers errors as {"type":"error","error":{type,message}} like the real API.
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

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  404: "not_found_error",
  429: "rate_limit_error",
  500: "api_error",
};

export function startAnthropicServer(options: { apiKey: string }): Promise<ProviderServer> {
  return startProviderServer(
    "/v1",
    ({ request, response }) => {
      const fail = (status: number, message: string) =>
        sendJson(response, status, { type: "error", error: { type: ERROR_TYPES[status] ?? "api_error", message } });
      if (request.method !== "POST" || request.url !== "/v1/messages") return void fail(404, `Not found: ${request.method} ${request.url}`);
      if (request.headers["x-api-key"] !== options.apiKey) return void fail(401, "invalid x-api-key");
      if (typeof request.headers["anthropic-version"] !== "string") return void fail(400, "anthropic-version: header is required");
      const problem = bodyProblem(request.body);
      if (problem) return void fail(400, problem);
      return scenarioOf(lastUserText(request.body));
    },
    play,
  );
}

function bodyProblem(body: unknown): string | undefined {
  if (!isObject(body)) return "body: must be a JSON object";
  if (typeof body.model !== "string" || body.model === "") return "model: Field required";
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) return "max_tokens: Field required";
  if (body.stream !== true) return "stream: this server only streams";
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return "messages: at least one message is required";
  for (const [i, m] of messages.entries()) {
    if (!isObject(m) || (m.role !== "user" && m.role !== "assistant")) return `messages.${i}.role: must be user or assistant`;
    if (typeof m.content !== "string" && !Array.isArray(m.content)) return `messages.${i}.content: must be a string or a list of blocks`;
  }
  if (!isObject(messages[0]) || messages[0].role !== "user") return "messages: first message must use the user role";
  if (body.system !== undefined && typeof body.system !== "string" && !Array.isArray(body.system)) return "system: must be a string or a list of text blocks";
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return "tools: must be a list";
    for (const [i, t] of body.tools.entries()) {
      if (!isObject(t) || typeof t.name !== "string" || !isObject(t.input_schema)) return `tools.${i}: name and input_schema are required`;
    }
  }
  return undefined;
}


function play(exchange: Exchange, scenario: Scenario): void {
  const { response: res } = exchange;
  const failed = playFailure(exchange, scenario, (status, headers) =>
    sendJson(res, status, { type: "error", error: { type: ERROR_TYPES[status] ?? "api_error", message: "try again later" } }, headers),
  );
  if (failed) return;
  startSse(res);
  const model = isObject(exchange.request.body) ? exchange.request.body.model : "";
  writeSse(
    res,
    {
      type: "message_start",
      message: {
        id: "msg_01",
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: USAGE.inputTokens, output_tokens: 1 },
      },
    },
    "message_start",
  );
  const stop = (stopReason: string) => {
    writeSse(res, { type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: USAGE.outputTokens } }, "message_delta");
    writeSse(res, { type: "message_stop" }, "message_stop");
  };
  if (scenario === "tool") {
    writeSse(res, { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: TOOL_CALL.id, name: TOOL_CALL.name, input: {} } }, "content_block_start");
    const half = TOOL_CALL.argumentsJson.length / 2;
    for (const part of [TOOL_CALL.argumentsJson.slice(0, half), TOOL_CALL.argumentsJson.slice(half)]) {
      writeSse(res, { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: part } }, "content_block_delta");
    }
    writeSse(res, { type: "content_block_stop", index: 0 }, "content_block_stop");
    stop("tool_use");
    res.end();
    return;
  }
  writeSse(res, { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }, "content_block_start");
  writeSse(res, { type: "ping" }, "ping");
  streamAnswer(
    exchange,
    scenario,
    (text) => writeSse(res, { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } }, "content_block_delta"),
    () => {
      writeSse(res, { type: "content_block_stop", index: 0 }, "content_block_stop");
      stop("end_turn");
    },
  );
}
