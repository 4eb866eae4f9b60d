// Provider type openai: OpenAI's Chat Completions API (also what OpenRouter and other gateways
// speak, by baseURL) through @ai-sdk/openai.
import { createOpenAI } from "@ai-sdk/openai";
import type { ProviderModel, ProviderModelSettings } from "./provider-model.js";

export function openAiModel(settings: ProviderModelSettings): ProviderModel {
  const provider = createOpenAI({
    headers: settings.headers,
    ...(settings.baseURL !== undefined ? { baseURL: settings.baseURL } : {}),
    ...(settings.apiKey !== undefined ? { apiKey: settings.apiKey } : {}),
  });
  return { aiModel: provider.chat(settings.model) };
}
