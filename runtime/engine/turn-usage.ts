// Token usage summed over a turn's model calls, priced per 1K tokens as the Provider's pricing says.
import type { ModelUsage } from "../providers/language-model.js";
import type { TurnUsage } from "./turn-events.js";

export interface Pricing {
  inputCostPer1K: number;
  outputCostPer1K: number;
}

export function addUsage(total: ModelUsage, more: ModelUsage): ModelUsage {
  return { inputTokens: total.inputTokens + more.inputTokens, outputTokens: total.outputTokens + more.outputTokens };
}

export function priceUsage(usage: ModelUsage, pricing: Pricing): TurnUsage {
  const costUsd = (usage.inputTokens / 1000) * pricing.inputCostPer1K + (usage.outputTokens / 1000) * pricing.outputCostPer1K;
  return { ...usage, costUsd };
}
