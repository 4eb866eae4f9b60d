// One model call of ours = one AI SDK streamText step with no executable tools: the engine runs the
// model-tool loop, so this only streams text, reports tool calls and usage, and turns every way the
// call can fail into a ProviderError. Retries (429, 5xx, Retry-After honoured up to 60s) are the
// AI SDK's; they happen before the first streamed part, so nothing is streamed twice.
import { type LanguageModel as AiModel, streamText, type TextStreamPart, type ToolSet } from "ai";
import type { LanguageModel, ModelEvent, ModelRequest, ModelUsage } from "../language-model.js";
import { ProviderError } from "../language-model.js";
import { type FailureContext, providerFailure } from "./provider-failure.js";
import { toAiSdkMessages, toAiSdkTools } from "./to-ai-sdk-prompt.js";

export interface CallSettings {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  requestTimeoutMs?: number;
  streamIdleTimeoutMs?: number;
  maxRetries: number;
}

export interface AiSdkLanguageModelOptions {
  /** The name users know the provider by (the Provider's type). */
  provider: string;
  model: string;
  aiModel: Exclude<AiModel, string>;
  settings: CallSettings;
  failure: FailureContext;
}

export class AiSdkLanguageModel implements LanguageModel {
  readonly provider: string;
  readonly model: string;

  constructor(private readonly options: AiSdkLanguageModelOptions) {
    this.provider = options.provider;
    this.model = options.model;
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
    const { settings, aiModel } = this.options;
    request.signal.throwIfAborted();
    const timeout = {
      ...(settings.requestTimeoutMs !== undefined ? { totalMs: settings.requestTimeoutMs } : {}),
      ...(settings.streamIdleTimeoutMs !== undefined ? { chunkMs: settings.streamIdleTimeoutMs } : {}),
    };
    const result = streamText({
      model: aiModel,
      system: request.system,
      messages: toAiSdkMessages(request.messages),
      allowSystemInMessages: true,
      ...(request.tools.length > 0 ? { tools: toAiSdkTools(request.tools), ...(request.toolChoice ? { toolChoice: request.toolChoice } : {}) } : {}),
      abortSignal: request.signal,
      maxRetries: settings.maxRetries,
      timeout,
      ...sampling(settings, request.settings ?? {}),
      // Failures reach us as stream parts and are rethrown below; the default would also print them.
      onError: () => undefined,
    });
    try {
      yield* this.events(result.fullStream, request.signal);
    } catch (error) {
      // A body that breaks off mid-read surfaces as a thrown stream error, not an error part.
      throw this.failure(error, request.signal);
    }
  }

  private async *events(parts: AsyncIterable<TextStreamPart<ToolSet>>, signal: AbortSignal): AsyncIterable<ModelEvent> {
    let complete = false;
    for await (const part of parts) {
      // Parts already buffered must not outrun a hangup.
      signal.throwIfAborted();
      switch (part.type) {
        case "text-delta":
          if (part.text !== "") yield { type: "text-delta", text: part.text };
          break;
        case "tool-call":
          yield {
            type: "tool-call",
            id: part.toolCallId,
            name: part.toolName,
            // Input the SDK could not parse stays the text the model wrote; the engine validates it.
            argumentsJson: typeof part.input === "string" ? part.input : JSON.stringify(part.input ?? {}),
          };
          break;
        case "finish-step":
          // A finish without the provider's stop reason means its stream ended early.
          complete = part.rawFinishReason !== undefined || part.finishReason !== "other";
          break;
        case "finish":
          if (!complete) throw this.incomplete();
          yield { type: "finish", usage: toUsage(part.totalUsage) };
          return;
        case "error":
          throw this.failure(part.error, signal);
        case "abort":
          throw this.failure(part.reason, signal);
      }
    }
    throw this.incomplete();
  }

  private failure(error: unknown, signal: AbortSignal): unknown {
    // The caller hung up: surface its own reason, as every LanguageModel does.
    if (signal.aborted) return signal.reason;
    if (error instanceof ProviderError) return error;
    const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
    if (/Chunk timeout/i.test(text)) {
      return new ProviderError(`the ${this.provider} provider sent nothing for ${this.options.settings.streamIdleTimeoutMs} ms mid-answer (streamIdleTimeout)`);
    }
    if (/timeout/i.test(text)) {
      return new ProviderError(`the ${this.provider} provider did not finish within ${this.options.settings.requestTimeoutMs} ms (requestTimeout)`);
    }
    return providerFailure(error, this.options.failure);
  }

  private incomplete(): ProviderError {
    return new ProviderError(`the ${this.provider} provider's stream ended before the answer was complete`);
  }
}

// The prompt's parameters win over the Provider's defaults, field by field.
function sampling(defaults: CallSettings, prompt: NonNullable<ModelRequest["settings"]>) {
  const merged = {
    temperature: prompt.temperature ?? defaults.temperature,
    topP: prompt.topP ?? defaults.topP,
    topK: prompt.topK,
    maxOutputTokens: prompt.maxTokens ?? defaults.maxTokens,
    frequencyPenalty: prompt.frequencyPenalty,
    presencePenalty: prompt.presencePenalty,
  };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}

function toUsage(usage: { inputTokens: number | undefined; outputTokens: number | undefined }): ModelUsage {
  return { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 };
}
