// Every real provider type, through createLanguageModel with a config parsed from env as the runtime
// does, against a local server speaking that provider's streaming wire format.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnthropicServer } from "../../../test/helpers/provider-servers/anthropic-server.js";
import { startChatCompletionsServer } from "../../../test/helpers/provider-servers/chat-completions-server.js";
import { startGeminiServer } from "../../../test/helpers/provider-servers/gemini-server.js";
import { ANSWER, ANSWER_PIECES, type ProviderServer, type Scenario, TOOL_CALL, USAGE } from "../../../test/helpers/provider-servers/provider-server.js";
import { parseRuntimeConfig } from "../../config.js";
import { createLanguageModel } from "../create-language-model.js";
import { type LanguageModel, type ModelEvent, type ModelMessage, ProviderError } from "../language-model.js";

const KEY = "sk-test-0123456789abcdef";

interface Case {
  type: string;
  model: string;
  keyVariable: string;
  /** How the request body says a tool call is required. */
  requiredToolChoice: string;
  /** Ollama checks no key at all. */
  checksKey: boolean;
  start: () => Promise<ProviderServer>;
}

const CASES: Case[] = [
  { type: "claude", checksKey: true, requiredToolChoice: '"tool_choice":{"type":"any"', model: "claude-sonnet-4-5", keyVariable: "ANTHROPIC_API_KEY", start: () => startAnthropicServer({ apiKey: KEY }) },
  { type: "openai", checksKey: true, requiredToolChoice: '"tool_choice":"required"', model: "gpt-4o", keyVariable: "OPENAI_API_KEY", start: () => startChatCompletionsServer({ flavour: "openai", apiKey: KEY }) },
  { type: "gemini", checksKey: true, requiredToolChoice: '"mode":"ANY"', model: "gemini-2.5-flash", keyVariable: "GEMINI_API_KEY", start: () => startGeminiServer({ apiKey: KEY }) },
  { type: "ollama", checksKey: false, requiredToolChoice: '"tool_choice":"required"', model: "llama3.2", keyVariable: "OMNIA_PROVIDER_API_KEY", start: () => startChatCompletionsServer({ flavour: "ollama" }) },
  { type: "vllm", checksKey: true, requiredToolChoice: '"tool_choice":"required"', model: "Qwen/Qwen2.5-7B-Instruct", keyVariable: "OMNIA_PROVIDER_API_KEY", start: () => startChatCompletionsServer({ flavour: "vllm", apiKey: KEY }) },
];

// A 1x1 PNG.
const PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

const WEATHER_TOOL = {
  name: "get_weather",
  description: "The weather in a city",
  inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
};

function request(messages: ModelMessage[], signal = new AbortController().signal) {
  return { system: "You are terse.", messages, tools: [WEATHER_TOOL], metadata: {}, turnIndex: 0, signal };
}

function say(text: Scenario | string): ModelMessage[] {
  return [{ role: "user", content: text }];
}

async function collect(model: LanguageModel, messages: ModelMessage[], signal?: AbortSignal): Promise<ModelEvent[]> {
  const events: ModelEvent[] = [];
  for await (const event of model.stream(request(messages, signal))) events.push(event);
  return events;
}

/** The events that arrived before the call failed, and the failure. */
async function collectFailure(model: LanguageModel, messages: ModelMessage[]): Promise<{ events: ModelEvent[]; error: unknown }> {
  const events: ModelEvent[] = [];
  try {
    for await (const event of model.stream(request(messages))) events.push(event);
  } catch (error) {
    return { events, error };
  }
  throw new Error(`expected the call to fail, got ${JSON.stringify(events)}`);
}

function textOf(events: ModelEvent[]): string {
  return events.map((e) => (e.type === "text-delta" ? e.text : "")).join("");
}

describe.each(CASES)("provider type $type", ({ type, model, keyVariable, checksKey, requiredToolChoice, start }) => {
  let server: ProviderServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server.close());

  function modelWith(env: Record<string, string> = {}): Promise<LanguageModel> {
    const config = parseRuntimeConfig({
      OMNIA_AGENT_NAME: "assistant",
      OMNIA_PROVIDER_TYPE: type,
      OMNIA_PROVIDER_MODEL: model,
      OMNIA_PROVIDER_BASE_URL: server.baseURL,
      OMNIA_PROVIDER_HEADERS: '{"X-Team":"support"}',
      [keyVariable]: KEY,
      ...env,
    });
    return createLanguageModel(config);
  }

  it("streams a text answer piece by piece and finishes with the provider's usage", async () => {
    const events = await collect(await modelWith(), say("text"));
    expect(events.filter((e) => e.type === "text-delta").map((e) => e.type === "text-delta" && e.text)).toEqual(ANSWER_PIECES);
    expect(events.at(-1)).toEqual({ type: "finish", usage: USAGE });
    const sent = server.requests.at(-1);
    expect(JSON.stringify(sent?.body)).toContain("You are terse.");
    expect(JSON.stringify(sent?.body)).toContain(model === "gemini-2.5-flash" ? "get_weather" : model);
    expect(sent?.headers["x-team"]).toBe("support");
  });

  it("sends the prompt's parameters over the Provider's defaults, and the prompt's tool choice", async () => {
    const llm = await modelWith({ OMNIA_PROVIDER_TEMPERATURE: "0.9", OMNIA_PROVIDER_MAX_TOKENS: "500" });
    const events: ModelEvent[] = [];
    const call = { ...request(say("text")), toolChoice: "required" as const, settings: { temperature: 0.35, maxTokens: 77 } };
    for await (const event of llm.stream(call)) events.push(event);
    expect(textOf(events)).toBe(ANSWER);
    const sent = JSON.stringify(server.requests.at(-1)?.body);
    expect(sent).toContain("0.35");
    expect(sent).toMatch(/:77[,}]/);
    expect(sent).not.toContain("0.9");
    expect(sent).toContain(requiredToolChoice);
  });

  it("reports a streamed tool call, then answers once the tool's result is sent back", async () => {
    const llm = await modelWith();
    const events = await collect(llm, say("tool"));
    const call = events.find((e) => e.type === "tool-call");
    expect(call).toMatchObject({ type: "tool-call", name: TOOL_CALL.name });
    expect(JSON.parse(call?.type === "tool-call" ? call.argumentsJson : "null")).toEqual({ city: "Paris" });
    expect(JSON.stringify(server.requests.at(-1)?.body)).toContain('"city"');
    const id = call?.type === "tool-call" ? call.id : "";
    const followUp: ModelMessage[] = [
      ...say("tool"),
      { role: "assistant", content: "", toolCalls: [{ id, name: TOOL_CALL.name, argumentsJson: TOOL_CALL.argumentsJson }] },
      { role: "tool", toolCallId: id, toolName: TOOL_CALL.name, content: '{"temperature":21}' },
    ];
    const answer = await collect(llm, followUp);
    expect(textOf(answer)).toBe(ANSWER);
    expect(JSON.stringify(server.requests.at(-1)?.body)).toContain("temperature");
  });

  it.runIf(checksKey)("ends with a ProviderError saying the credential was refused, without the key", async () => {
    const wrongKey = "sk-wrong-key-9876543210";
    const { error } = await collectFailure(await modelWith({ [keyVariable]: wrongKey }), say("text"));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(/refused the credential/);
    expect((error as Error).message).not.toContain(wrongKey);
    expect((error as Error).message).not.toContain(wrongKey.slice(-4));
  });

  it("waits as long as a 429's Retry-After says, then streams the answer", async () => {
    const before = server.requests.length;
    const events = await collect(await modelWith(), say("rate-limit"));
    expect(textOf(events)).toBe(ANSWER);
    const [first, second] = server.requests.slice(before);
    expect(server.requests.length - before).toBe(2);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it("gives up on a provider that keeps rate limiting after the configured retries", async () => {
    const before = server.requests.length;
    const { error } = await collectFailure(await modelWith({ OMNIA_PROVIDER_MAX_RETRIES: "1" }), say("rate-limit-always"));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(/rate limiting.*gave up after 2 attempts/);
    expect(server.requests.length - before).toBe(2);
  });

  it.runIf(!checksKey)("needs no key", async () => {
    const events = await collect(await modelWith({ [keyVariable]: "" }), say("text"));
    expect(textOf(events)).toBe(ANSWER);
    expect(server.requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it("retries a 500 with backoff and streams the answer", async () => {
    const before = server.requests.length;
    const events = await collect(await modelWith(), say("server-error"));
    expect(textOf(events)).toBe(ANSWER);
    expect(server.requests.length - before).toBe(2);
  }, 10_000);

  it("fails with a ProviderError when the stream is cut mid-answer, after the part that arrived", async () => {
    const { events, error } = await collectFailure(await modelWith(), say("cut"));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(new RegExp(`the ${type} provider's stream (broke off|ended) before the answer was complete`));
    expect(textOf(events)).toBe(ANSWER_PIECES.slice(0, 2).join(""));
    expect(events.some((e) => e.type === "finish")).toBe(false);
  });

  it("fails with a ProviderError when the response ends cleanly but without the provider's final events", async () => {
    const { events, error } = await collectFailure(await modelWith(), say("truncated"));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(new RegExp(`the ${type} provider's stream (broke off|ended) before the answer was complete`));
    expect(textOf(events)).toBe(ANSWER_PIECES.slice(0, 2).join(""));
  });

  it("fails with a ProviderError naming streamIdleTimeout when the stream goes quiet", async () => {
    const { events, error } = await collectFailure(await modelWith({ OMNIA_PROVIDER_STREAM_IDLE_TIMEOUT: "300ms" }), say("stall"));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(/streamIdleTimeout/);
    expect(events.some((e) => e.type === "finish")).toBe(false);
  });

  it("fails with a ProviderError naming requestTimeout when the whole call takes too long", async () => {
    const { error } = await collectFailure(await modelWith({ OMNIA_PROVIDER_REQUEST_TIMEOUT: "400ms" }), say("stall"));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(/did not finish within 400 ms \(requestTimeout\)/);
  });

  it("sends an image part's base64 data and the message text", async () => {
    const events = await collect(await modelWith(), [
      { role: "user", content: "text", parts: [{ type: "image", media: { data: PIXEL, mimeType: "image/png" } }] },
    ]);
    expect(textOf(events)).toBe(ANSWER);
    const sent = JSON.stringify(server.requests.at(-1)?.body);
    expect(sent).toContain(PIXEL);
    expect(sent).toContain("image/png");
  });

  it("closes the upstream connection when the caller aborts", async () => {
    const llm = await modelWith();
    const controller = new AbortController();
    const before = server.requests.length;
    const stream = llm.stream(request(say("stall"), controller.signal))[Symbol.asyncIterator]();
    const first = await stream.next();
    expect(first.value).toMatchObject({ type: "text-delta" });
    controller.abort(new Error("client hung up"));
    await expect(stream.next()).rejects.toThrow("client hung up");
    const upstream = server.requests[before];
    await expect(Promise.race([upstream?.closed.then(() => "closed"), new Promise((r) => setTimeout(() => r("still open"), 2_000))])).resolves.toBe("closed");
  });
});
