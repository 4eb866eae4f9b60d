// The session store: what the runtime (history, state) and the facade (later: journal,
// uploads, tickets) keep about a session. Backends: memory-session-store.ts, redis-session-store.ts.
// Every operation that touches a session refreshes its TTL; a turn costs O(1) round trips
// whatever the history length: loadConversation is one read, appendTurn one write.
import * as v from "valibot";

export type MessageRole = "user" | "assistant" | "system" | "tool";

/** One stored message of the conversation history, as the model will see it again. */
export interface StoredMessage {
  id: string;
  role: MessageRole;
  content: string;
  /** RFC 3339. */
  timestamp: string;
  /** Assistant tool calls, or the call a tool message answers. */
  toolCalls?: StoredToolCall[];
  toolCallId?: string;
  /** Content parts other than text (media references), kept as sent. */
  parts?: StoredPart[];
  metadata?: Record<string, string>;
}

export interface StoredToolCall {
  id: string;
  name: string;
  argumentsJson: string;
}

export interface StoredPart {
  type: string;
  text?: string;
  media?: { data?: string; url?: string; mimeType?: string; storageRef?: string };
}

export interface SessionMeta {
  id: string;
  agentName: string;
  namespace: string;
  workspace?: string;
  /** RFC 3339. */
  createdAt: string;
  updatedAt: string;
  /** Number of completed turns. */
  turnCount: number;
}

export interface Conversation {
  meta: SessionMeta;
  messages: StoredMessage[];
  state: Record<string, string>;
}

export interface NewSession {
  id: string;
  agentName: string;
  namespace: string;
  workspace?: string;
}

export interface SessionStore {
  /**
   * Loads a session with its history and state, creating it when absent (`created` says which).
   * One round trip. Refreshes the TTL.
   */
  loadConversation(session: NewSession): Promise<{ conversation: Conversation; created: boolean }>;
  /** Reads without creating; null when the session does not exist (never made, or expired). */
  getSession(id: string): Promise<SessionMeta | null>;
  /** Appends a completed turn's messages and bumps turnCount/updatedAt. One round trip; never rewrites history. */
  appendTurn(id: string, messages: StoredMessage[], state?: Record<string, string>): Promise<void>;
  /** Merges string state into the session's state hash. */
  setState(id: string, state: Record<string, string>): Promise<void>;
  /** Refreshes the TTL of every key of the session. */
  touch(id: string): Promise<void>;
  deleteSession(id: string): Promise<void>;
  /** Whether the backend can serve requests now (for readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class SessionStoreUnavailableError extends Error {
  override readonly name = "SessionStoreUnavailableError";
}

/**
 * Checks a StoredMessage read back from a backend (another version may have written it); unknown
 * fields are dropped.
 */
export const StoredMessageSchema: v.GenericSchema<unknown, StoredMessage> = v.object({
  id: v.string(),
  role: v.picklist(["user", "assistant", "system", "tool"]),
  content: v.string(),
  timestamp: v.string(),
  toolCalls: v.optional(v.array(v.object({ id: v.string(), name: v.string(), argumentsJson: v.string() }))),
  toolCallId: v.optional(v.string()),
  parts: v.optional(
    v.array(
      v.object({
        type: v.string(),
        text: v.optional(v.string()),
        media: v.optional(
          v.object({ data: v.optional(v.string()), url: v.optional(v.string()), mimeType: v.optional(v.string()), storageRef: v.optional(v.string()) }),
        ),
      }),
    ),
  ),
  metadata: v.optional(v.record(v.string(), v.string())),
});
