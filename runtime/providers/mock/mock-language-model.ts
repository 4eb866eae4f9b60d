// The scripted mock provider (provider id "mock"): plays the reply a MockScript holds for the
// session's scenario and model-call number, streamed word by word like a real model would.
import { randomUUID } from "node:crypto";
import type { LanguageModel, ModelEvent, ModelMessage, ModelRequest } from "../language-model.js";
import { countWords } from "./count-words.js";
import { describeMedia, MEDIA_PLACEHOLDER, type MediaBytesResolver } from "./describe-media.js";
import { lookupMockReply, type MockScript } from "./mock-script.js";

export interface MockLanguageModelOptions {
  model: string;
  /** Without a script every call answers the provider's fallback text. */
  script?: MockScript;
  /** Pause between streamed words, so demos and tests can act mid-turn. */
  chunkDelayMs?: number;
  /** Reads parts that carry only a storage_ref, for `{{media}}` answers. */
  resolveMedia?: MediaBytesResolver;
}

export class MockLanguageModel implements LanguageModel {
  readonly provider = "mock";
  readonly model: string;
  private readonly script: MockScript;
  private readonly chunkDelayMs: number;
  private readonly resolveMedia: MediaBytesResolver | undefined;

  constructor(options: MockLanguageModelOptions) {
    this.model = options.model;
    this.script = options.script ?? { scenarios: {} };
    this.chunkDelayMs = options.chunkDelayMs ?? 0;
    this.resolveMedia = options.resolveMedia;
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
    const { signal } = request;
    signal.throwIfAborted();
    const scenario = request.metadata["mock_scenario"] || "default";
    const turn = mockTurnNumber(request.messages);
    const reply = lookupMockReply(this.script, scenario, turn, `Mock response for provider ${this.provider} model ${this.model}`);
    if (reply.text.includes(MEDIA_PLACEHOLDER)) reply.text = reply.text.replaceAll(MEDIA_PLACEHOLDER, await describeMedia(request.messages, this.resolveMedia));

    let outputTokens = 0;
    const words = splitWords(reply.text);
    for (const [index, word] of words.entries()) {
      if (index > 0 && this.chunkDelayMs > 0) await sleep(this.chunkDelayMs, signal);
      signal.throwIfAborted();
      outputTokens += 1;
      yield { type: "text-delta", text: word };
    }
    for (const call of reply.toolCalls) {
      signal.throwIfAborted();
      outputTokens += countWords(`${call.name} ${call.argumentsJson}`);
      yield { type: "tool-call", id: `call_${randomUUID().replaceAll("-", "")}`, name: call.name, argumentsJson: call.argumentsJson };
    }
    yield { type: "finish", usage: { inputTokens: estimateInputTokens(request), outputTokens } };
  }
}

/**
 * The 1-based model call number within the session: one more than the assistant messages already in
 * the history, since every earlier model call (an answer or a tool-call request) left one.
 */
export function mockTurnNumber(messages: readonly ModelMessage[]): number {
  let assistantMessages = 0;
  for (const message of messages) if (message.role === "assistant") assistantMessages++;
  return assistantMessages + 1;
}

/** Words with their following whitespace (leading whitespace joins the first), so deltas join back to the text. */
export function splitWords(text: string): string[] {
  const words = text.match(/\S+\s*/g) ?? [];
  const leading = /^\s*/.exec(text)?.[0] ?? "";
  if (leading === "") return words;
  if (words.length === 0) return [leading];
  words[0] = leading + words[0];
  return words;
}

// The mock has no tokenizer: a whitespace-separated word counts as one token. Input is the words of
// the system prompt and every message (texts, tool-call arguments, tool results) sent to the model.
function estimateInputTokens(request: ModelRequest): number {
  let words = countWords(request.system);
  for (const message of request.messages) {
    words += countWords(message.content);
    if (message.role === "assistant") {
      for (const call of message.toolCalls ?? []) words += countWords(`${call.name} ${call.argumentsJson}`);
    }
  }
  return words;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
