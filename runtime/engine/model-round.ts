// One model call of a turn: streams its text out as chunks (each checked by the prompt's
// validators before it goes out) and collects its tool calls and usage.
import { ProviderError, type LanguageModel, type ModelRequest, type ModelToolCall, type ModelUsage } from "../providers/language-model.js";
import type { AnswerCheck } from "../prompt/answer-validators.js";
import type { TurnEvent } from "./turn-events.js";

export interface ModelRoundResult {
  text: string;
  toolCalls: ModelToolCall[];
  usage: ModelUsage;
}

/** Throws TurnError VALIDATION_FAILED from `check`, which also stops the model's stream. */
export async function runModelRound(
  model: LanguageModel,
  request: ModelRequest,
  emit: (event: TurnEvent) => void,
  check?: AnswerCheck,
): Promise<ModelRoundResult> {
  let text = "";
  const toolCalls: ModelToolCall[] = [];
  let usage: ModelUsage | undefined;
  for await (const event of model.stream(request)) {
    switch (event.type) {
      case "text-delta":
        if (event.text === "") break;
        check?.delta(event.text);
        text += event.text;
        emit({ type: "chunk", text: event.text });
        break;
      case "tool-call":
        toolCalls.push({ id: event.id, name: event.name, argumentsJson: event.argumentsJson });
        break;
      case "finish":
        usage = event.usage;
        break;
    }
  }
  if (!usage) throw new ProviderError(`the ${model.provider} model stream ended before it finished`);
  check?.end(usage.outputTokens);
  return { text, toolCalls, usage };
}
