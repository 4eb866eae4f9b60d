// A local Gemini API (POST /v1beta/models/{model}:streamGenerateContent?alt=sse) speaking its SSE
// wire format: each event is a GenerateContentResponse (candidates[0].content.parts with text or a
// whole functionCall), the last one with finishReason and usageMetadata; no [DONE] sentinel. Checks
// x-goog-api-key (a wrong key is a 400 API_KEY_INVALID, as Gemini answers) and the body's shape;
// errors are {"error":{code,message,status}}.
import {
  type Exchange,
  isObject,
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

const STATUS: Record<number, string> = { 400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL" };
const PATH = /^\/v1beta\/models\/([^/:]+):streamGenerateContent\?alt=sse$/;

function errorBody(code: number, message: string, reason?: string): unknown {
  const details = reason ? [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason, domain: "googleapis.com" }] : undefined;
  return { error: { code, message, status: STATUS[code] ?? "UNKNOWN", ...(details ? { details } : {}) } };
}

export function startGeminiServer(options: { apiKey: string }): Promise<ProviderServer> {
  return startProviderServer(
    "/v1beta",
    ({ request, response }) => {
      const fail = (code: number, message: string, reason?: string) => sendJson(response, code, errorBody(code, message, reason));
      const match = PATH.exec(request.url);
      if (request.method !== "POST" || !match) return void fail(404, `Not found: ${request.method} ${request.url}`);
      const key = request.headers["x-goog-api-key"];
      if (key === undefined) return void fail(403, "Method doesn't allow unregistered callers. Please use API Key or other form of API consumer identity to call this API.");
      if (key !== options.apiKey) return void fail(400, "API key not valid. Please pass a valid API key.", "API_KEY_INVALID");
      const problem = bodyProblem(request.body);
      if (problem) return void fail(400, problem);
      return scenarioOf(lastUserText(request.body));
    },
    play,
  );
}

function bodyProblem(body: unknown): string | undefined {
  if (!isObject(body)) return "Invalid JSON payload received.";
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) return "* GenerateContentRequest.contents: contents is not specified";
  for (const [i, c] of contents.entries()) {
    if (!isObject(c) || (c.role !== "user" && c.role !== "model")) return `* GenerateContentRequest.contents[${i}].role: must be user or model`;
    if (!Array.isArray(c.parts) || c.parts.length === 0) return `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`;
  }
  if (body.systemInstruction !== undefined && (!isObject(body.systemInstruction) || !Array.isArray(body.systemInstruction.parts))) {
    return "* GenerateContentRequest.system_instruction.parts: must be a list";
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return "* GenerateContentRequest.tools: must be a list";
    for (const [i, t] of body.tools.entries()) {
      const declarations = isObject(t) ? t.functionDeclarations : undefined;
      if (declarations !== undefined && (!Array.isArray(declarations) || declarations.some((d) => !isObject(d) || typeof d.name !== "string"))) {
        return `* GenerateContentRequest.tools[${i}].function_declarations: each needs a name`;
      }
    }
  }
  return undefined;
}

function lastUserText(body: unknown): string | undefined {
  if (!isObject(body) || !Array.isArray(body.contents)) return undefined;
  const last: unknown = body.contents.at(-1);
  if (!isObject(last) || last.role !== "user" || !Array.isArray(last.parts)) return undefined;
  const part: unknown = last.parts.find((p) => isObject(p) && typeof p.text === "string");
  return isObject(part) && typeof part.text === "string" ? part.text : undefined;
}

function play(exchange: Exchange, scenario: Scenario): void {
  const { response: res, request } = exchange;
  if (playFailure(exchange, scenario, (status, headers) => sendJson(res, status, errorBody(status, "Resource has been exhausted (e.g. check quota)."), headers))) return;
  const modelVersion = PATH.exec(request.url)?.[1];
  const usageMetadata = { promptTokenCount: USAGE.inputTokens, candidatesTokenCount: USAGE.outputTokens, totalTokenCount: USAGE.inputTokens + USAGE.outputTokens };
  const event = (parts: unknown[], last: boolean) => ({
    candidates: [{ content: { parts, role: "model" }, index: 0, ...(last ? { finishReason: "STOP" } : {}) }],
    usageMetadata: last ? usageMetadata : { promptTokenCount: USAGE.inputTokens, totalTokenCount: USAGE.inputTokens },
    modelVersion,
  });
  startSse(res);
  if (scenario === "tool") {
    writeSse(res, event([{ functionCall: { name: TOOL_CALL.name, args: JSON.parse(TOOL_CALL.argumentsJson) as unknown } }], true));
    res.end();
    return;
  }
  // Gemini puts finishReason on the event carrying the last text; an empty last part keeps the pieces shared.
  streamAnswer(exchange, scenario, (text) => writeSse(res, event([{ text }], false)), () => writeSse(res, event([{ text: "" }], true)));
}
