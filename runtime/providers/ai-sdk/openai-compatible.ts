// Provider types ollama and vllm: their OpenAI-compatible Chat Completions endpoints through
// @ai-sdk/openai-compatible, asking for usage in the stream (stream_options.include_usage).
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { ProviderModel, ProviderModelSettings } from "./provider-model.js";

// Where `ollama serve` listens by default; vLLM has no such default, so its Provider needs a baseURL.
export const OLLAMA_DEFAULT_BASE_URL = "http://localhost:11434/v1";

export function openAiCompatibleModel(name: "ollama" | "vllm", settings: ProviderModelSettings): ProviderModel {
  const baseURL = settings.baseURL ?? (name === "ollama" ? OLLAMA_DEFAULT_BASE_URL : undefined);
  if (baseURL === undefined) throw new Error(`OMNIA_PROVIDER_BASE_URL: is required for provider type ${name} (the Provider's baseURL, e.g. http://vllm:8000/v1)`);
  const provider = createOpenAICompatible({
    name,
    baseURL,
    headers: settings.headers,
    includeUsage: true,
    ...(settings.apiKey !== undefined ? { apiKey: settings.apiKey } : {}),
  });
  return { aiModel: provider.chatModel(settings.model) };
}
