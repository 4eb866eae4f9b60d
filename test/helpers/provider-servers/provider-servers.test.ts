// The fake providers refuse what the real ones refuse, with the real error JSON, so a test that
// passes against them did send a well-formed request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnthropicServer } from "./anthropic-server.js";
import { startChatCompletionsServer } from "./chat-completions-server.js";
import { startGeminiServer } from "./gemini-server.js";
import type { ProviderServer } from "./provider-server.js";

const KEY = "sk-test";
let anthropic: ProviderServer;
let openai: ProviderServer;
let vllm: ProviderServer;
let gemini: ProviderServer;

beforeAll(async () => {
  [anthropic, openai, vllm, gemini] = await Promise.all([
    startAnthropicServer({ apiKey: KEY }),
    startChatCompletionsServer({ flavour: "openai", apiKey: KEY }),
    startChatCompletionsServer({ flavour: "vllm", apiKey: KEY }),
    startGeminiServer({ apiKey: KEY }),
  ]);
});
afterAll(() => Promise.all([anthropic, openai, vllm, gemini].map((s) => s.close())));

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

describe("the Anthropic Messages server", () => {
  const valid = { model: "claude-sonnet-4-5", max_tokens: 64, stream: true, messages: [{ role: "user", content: "hi" }] };
  const headers = { "x-api-key": KEY, "anthropic-version": "2023-06-01" };

  it("requires the anthropic-version header, the key, max_tokens and a first user message", async () => {
    const noVersion = await post(`${anthropic.baseURL}/messages`, { "x-api-key": KEY }, valid);
    expect(noVersion).toEqual({ status: 400, json: { type: "error", error: { type: "invalid_request_error", message: "anthropic-version: header is required" } } });
    expect((await post(`${anthropic.baseURL}/messages`, { ...headers, "x-api-key": "nope" }, valid)).json).toMatchObject({ error: { type: "authentication_error" } });
    expect((await post(`${anthropic.baseURL}/messages`, headers, { ...valid, max_tokens: undefined })).json).toMatchObject({ error: { message: "max_tokens: Field required" } });
    const assistantFirst = { ...valid, messages: [{ role: "assistant", content: "hi" }] };
    expect((await post(`${anthropic.baseURL}/messages`, headers, assistantFirst)).status).toBe(400);
  });
});

describe("the Chat Completions server", () => {
  const valid = { model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] };

  it("requires the Bearer key and well-formed messages, answering in OpenAI's or vLLM's error shape", async () => {
    const refused = await post(`${openai.baseURL}/chat/completions`, { authorization: "Bearer sk-wrong-1234" }, valid);
    expect(refused).toMatchObject({ status: 401, json: { error: { code: "invalid_api_key" } } });
    const toolWithoutId = { ...valid, messages: [{ role: "tool", content: "{}" }] };
    expect((await post(`${openai.baseURL}/chat/completions`, { authorization: `Bearer ${KEY}` }, toolWithoutId)).status).toBe(400);
    expect(await post(`${vllm.baseURL}/chat/completions`, {}, valid)).toMatchObject({ status: 401, json: { object: "error", code: 401 } });
  });
});

describe("the Gemini server", () => {
  const url = () => `${gemini.baseURL}/models/gemini-2.5-flash:streamGenerateContent?alt=sse`;
  const valid = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };

  it("answers a wrong key with 400 API_KEY_INVALID, a missing one with 403, and checks contents", async () => {
    expect(await post(url(), { "x-goog-api-key": "nope" }, valid)).toMatchObject({ status: 400, json: { error: { status: "INVALID_ARGUMENT", details: [{ reason: "API_KEY_INVALID" }] } } });
    expect((await post(url(), {}, valid)).status).toBe(403);
    expect((await post(url(), { "x-goog-api-key": KEY }, { contents: [] })).json).toMatchObject({ error: { code: 400 } });
    expect((await post(`${gemini.baseURL}/models/gemini-2.5-flash:generateContent`, { "x-goog-api-key": KEY }, valid)).status).toBe(404);
  });
});
