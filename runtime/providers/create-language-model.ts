// Builds the configured provider behind the LanguageModel interface. The only place that knows
// which providers exist; reads the mock's script file and a key file at start, so a bad file stops
// the runtime instead of failing a turn.
import { readFile } from "node:fs/promises";
import type { ProviderConfig, RuntimeConfig } from "../config.js";
import { AiSdkLanguageModel } from "./ai-sdk/ai-sdk-language-model.js";
import { anthropicModel } from "./ai-sdk/anthropic.js";
import { ApiKey } from "./ai-sdk/api-key.js";
import { geminiModel } from "./ai-sdk/google.js";
import { openAiModel } from "./ai-sdk/openai.js";
import { openAiCompatibleModel } from "./ai-sdk/openai-compatible.js";
import type { ProviderModel, ProviderModelSettings } from "./ai-sdk/provider-model.js";
import type { LanguageModel } from "./language-model.js";
import { MockLanguageModel } from "./mock/mock-language-model.js";
import { parseMockScript } from "./mock/mock-script.js";

export async function createLanguageModel(config: Pick<RuntimeConfig, "provider" | "mock">): Promise<LanguageModel> {
  const { provider } = config;
  if (provider.type === "mock") {
    const path = config.mock.configPath;
    const script = path === undefined ? undefined : parseMockScript(await readText(path, "OMNIA_MOCK_CONFIG_PATH"), path);
    return new MockLanguageModel({
      model: provider.model,
      chunkDelayMs: config.mock.chunkDelayMs,
      ...(script ? { script } : {}),
    });
  }
  const apiKey = provider.apiKeyFile !== undefined ? await ApiKey.fromFile(provider.apiKeyFile, "OMNIA_PROVIDER_CREDENTIAL_FILE") : provider.apiKey;
  const settings: ProviderModelSettings = {
    model: provider.model,
    headers: provider.headers,
    ...(provider.baseURL !== undefined ? { baseURL: provider.baseURL } : {}),
    ...(apiKey !== undefined ? { apiKey: apiKey.reveal() } : {}),
  };
  const built = providerModel(provider.type, settings);
  return new AiSdkLanguageModel({
    provider: provider.type,
    model: provider.model,
    aiModel: built.aiModel,
    settings: callSettings(provider),
    failure: {
      provider: provider.type,
      ...(settings.apiKey !== undefined ? { apiKey: settings.apiKey } : {}),
      ...(built.refusesCredential ? { refusesCredential: built.refusesCredential } : {}),
    },
  });
}

function providerModel(type: Exclude<ProviderConfig["type"], "mock">, settings: ProviderModelSettings): ProviderModel {
  switch (type) {
    case "claude":
      return anthropicModel(settings);
    case "openai":
      return openAiModel(settings);
    case "gemini":
      return geminiModel(settings);
    case "ollama":
    case "vllm":
      return openAiCompatibleModel(type, settings);
  }
}

function callSettings(provider: ProviderConfig) {
  const { temperature, topP, maxTokens, requestTimeoutMs, streamIdleTimeoutMs, maxRetries } = provider;
  return {
    maxRetries,
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    ...(streamIdleTimeoutMs !== undefined ? { streamIdleTimeoutMs } : {}),
  };
}

async function readText(path: string, variable: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new Error(`${variable}: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
