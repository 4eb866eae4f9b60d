// The one model interface the conversation engine talks to. Every provider (the scripted mock, and
// the AI SDK providers in ai-sdk/) is wrapped behind it, so the engine never branches on which one it is.

export interface ModelPart {
  type: string;
  text?: string;
  media?: { data?: string; url?: string; mimeType?: string; storageRef?: string };
}

export interface ModelToolCall {
  id: string;
  name: string;
  argumentsJson: string;
}

export type ModelMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string; parts?: ModelPart[] }
  | { role: "assistant"; content: string; toolCalls?: ModelToolCall[] }
  | { role: "tool"; toolCallId: string; toolName: string; content: string };

/** A tool the model may call, as the model sees it. */
export interface ModelToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  inputSchema: Record<string, unknown>;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
}

export type ModelEvent =
  | { type: "text-delta"; text: string }
  | ({ type: "tool-call" } & ModelToolCall)
  | { type: "finish"; usage: ModelUsage };

export interface ModelRequest {
  system: string;
  /** The conversation so far, oldest first, including this turn's user message and tool rounds. */
  messages: ModelMessage[];
  tools: ModelToolSpec[];
  /** The user message's metadata (e.g. mock_scenario). */
  metadata: Record<string, string>;
  /** 0-based index of this model call within the turn. */
  turnIndex: number;
  signal: AbortSignal;
  /** The prompt's tool_policy.tool_choice for this call; absent means the provider's default (auto). */
  toolChoice?: "auto" | "required" | "none";
  /**
   * The prompt's `parameters` with its model override applied; a field set here wins over the
   * Provider's `defaults`, an absent one leaves the Provider's (or the model's) own.
   */
  settings?: { temperature?: number; topP?: number; topK?: number; maxTokens?: number; frequencyPenalty?: number; presencePenalty?: number };
}

export interface LanguageModel {
  readonly provider: string;
  readonly model: string;
  /**
   * The provider fetches media by URL itself, so parts stored by the facade go to it as presigned
   * GET URLs rather than bytes read by the runtime. Absent: bytes (base64 `data`).
   */
  readonly acceptsMediaUrls?: boolean;
  /** Streams one model call; ends with exactly one `finish`. Throws ProviderError on failure. */
  stream(request: ModelRequest): AsyncIterable<ModelEvent>;
}

/** A provider failure; `message` is safe to show to the end user (no keys, no raw bodies). */
export class ProviderError extends Error {
  override readonly name = "ProviderError";
  readonly code = "PROVIDER_ERROR";
}
