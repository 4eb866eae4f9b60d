// What one turn takes in and gives out, independent of the wire (the gRPC layer maps these onto
// ServerMessage; Invoke folds them into one response).
import type { StoredPart } from "../../shared/session/session-store.js";
import type { ErrorCode } from "../../shared/protocol/error-codes.js";
import type { ClientToolAnswer } from "../tools/tool-adapter.js";

export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export type TurnEvent =
  | { type: "chunk"; text: string }
  | {
      type: "tool_call";
      id: string;
      name: string;
      argumentsJson: string;
      consentMessage: string;
      categories: string[];
      execution: "client";
    }
  | { type: "done"; finalContent: string; usage: TurnUsage }
  | { type: "error"; code: ErrorCode; message: string };

export interface TurnInput {
  sessionId: string;
  content: string;
  parts?: StoredPart[];
  metadata?: Record<string, string>;
  workspace?: string;
  /** The caller's user id (x-omnia-user-id), for `session` bindings of prompt variables. */
  userId?: string;
  /**
   * `conversation` loads and appends the session's history and can ask the client to run tools;
   * `function` (Invoke) runs on an empty history, stores nothing, and has no client.
   */
  mode?: "conversation" | "function";
  /** Aborting it (the caller went away) aborts the model stream and ends the turn unsaved. */
  signal?: AbortSignal;
}

/** A turn in flight: iterate it for its events, which end with exactly one `done` or `error`. */
export interface Turn extends AsyncIterable<TurnEvent> {
  readonly turnId: string;
  /** Hands the client's answer to the pending call; false when no call with that id is pending. */
  deliverToolResult(callId: string, answer: ClientToolAnswer): boolean;
  /** The client can no longer be reached: its tool calls, pending and later, are rejected with `reason`. */
  detachClient(reason: string): void;
}
