// Provider type claude: Anthropic's Messages API through @ai-sdk/anthropic.
import { createAnthropic } from "@ai-sdk/anthropic";
import type { ProviderModel, ProviderModelSettings } from "./provider-model.js";

export function anthropicModel(settings: ProviderModelSettings): ProviderModel {
  const provider = createAnthropic({
    headers: settings.headers,
    ...(settings.baseURL !== undefined ? { baseURL: settings.baseURL } : {}),
    ...(settings.apiKey !== undefined ? { apiKey: settings.apiKey } : {}),
  });
  return { aiModel: provider(settings.model) };
}
