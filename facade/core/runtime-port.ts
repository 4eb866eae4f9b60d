// What the facade needs from an agent's runtime, independent of how it is reached
// (grpc-js on localhost in the pod, gRPC-web from the edge). Adapters map their wire types onto these.
import type { Identity } from "../../shared/auth/index.js";
import type { ContentPart } from "../../shared/protocol/content-part.js";

export interface TurnRequest {
  sessionId: string;
  content: string;
  parts: ContentPart[];
  metadata: Record<string, string>;
  /** Becomes x-omnia-* metadata on the runtime call. */
  context: CallContext;
}

export interface CallContext {
  agentName: string;
  namespace: string;
  sessionId: string;
  requestId: string;
  workspace?: string;
  /** Who the client proved to be (x-omnia-user-id and the rest); absent for an open agent. */
  identity?: Identity;
}

export type RuntimeEvent =
  | { type: "chunk"; content: string }
  | {
      type: "tool_call";
      id: string;
      name: string;
      argumentsJson: string;
      client: boolean;
      consentMessage?: string;
      categories?: string[];
    }
  | { type: "done"; content: string; parts: ContentPart[]; usage?: { inputTokens: number; outputTokens: number; costUsd: number } }
  | { type: "error"; code: string; message: string };

export interface ToolResultToRuntime {
  callId: string;
  resultJson: string;
  rejected: boolean;
  rejectionReason?: string;
}

export interface TurnListener {
  event(event: RuntimeEvent): void;
  /** Once, after the last event: no argument when the stream finished, an error when the runtime was lost. */
  end(error?: RuntimeUnavailableError): void;
}

/** One turn in flight. Callbacks rather than async iteration: this is the per-frame hot path. */
export interface TurnStream {
  listen(listener: TurnListener): void;
  sendToolResult(result: ToolResultToRuntime): void;
  /** The turn's last frame is journaled: the runtime may end the call (it holds the turn until then). */
  finish(): void;
  /** The client hung up: the runtime stops the turn and stores nothing. */
  cancel(): void;
  /** Let go without cancelling (this facade is stopping): the runtime finishes the turn and journals the rest. */
  release(): void;
}

export type ConversationState = "resumable" | "not_found" | "unavailable";

export interface RuntimeClient {
  converse(request: TurnRequest): TurnStream;
  hasConversation(sessionId: string, context: CallContext): Promise<ConversationState>;
  health(): Promise<{ healthy: boolean; status: string }>;
  close(): void;
}

export class RuntimeUnavailableError extends Error {
  override readonly name = "RuntimeUnavailableError";
}
