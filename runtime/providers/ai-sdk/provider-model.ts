// What a provider module hands the shared AI SDK language model: the AI SDK model for the
// configured Provider and the provider's own signs of a refused key.
import type { APICallError, LanguageModel as AiModel } from "ai";

export interface ProviderModelSettings {
  model: string;
  baseURL?: string;
  headers: Record<string, string>;
  apiKey?: string;
}

export interface ProviderModel {
  aiModel: Exclude<AiModel, string>;
  refusesCredential?: (error: APICallError) => boolean;
}
