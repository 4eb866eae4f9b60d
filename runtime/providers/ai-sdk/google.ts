// Provider type gemini: the Gemini API (streamGenerateContent) through @ai-sdk/google.
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import type { ProviderModel, ProviderModelSettings } from "./provider-model.js";

export function geminiModel(settings: ProviderModelSettings): ProviderModel {
  const provider = createGoogleGenerativeAI({
    headers: settings.headers,
    ...(settings.baseURL !== undefined ? { baseURL: settings.baseURL } : {}),
    ...(settings.apiKey !== undefined ? { apiKey: settings.apiKey } : {}),
  });
  return {
    aiModel: provider(settings.model),
    // Gemini answers a wrong key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID.
    refusesCredential: (error) => error.statusCode === 400 && (error.responseBody ?? "").includes("API_KEY_INVALID"),
  };
}
