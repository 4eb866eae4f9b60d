// The client's options, events and the values they carry.
import type * as v from "valibot";
import type {
  HangupFrameSchema,
  MessageFrameSchema,
  ToolCallAckFrameSchema,
  ToolCallNackFrameSchema,
  ToolResultFrameSchema,
} from "../protocol/client-frames.js";
import type { ContentPart } from "../protocol/content-part.js";
import type { ServerFrame } from "../protocol/server-frames.js";
import type { BackoffPolicy } from "./backoff.js";
import type { OmniaError } from "./omnia-error.js";
import type { Turn } from "./turn.js";

/** A client-side tool call, as the agent asks for it. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  /** What to ask the user before running the tool, when its registry says so. */
  consentMessage?: string;
  categories: string[];
}

/** The tool's result (any JSON value), or why it did not run (denied, failed): the model sees either. */
export type ToolAnswer = { result: unknown } | { error: string };

export type ToolCallHandler = (call: ToolCall, turn: Turn) => Promise<ToolAnswer>;

export type WebSocketConstructor = new (url: string) => WebSocket;

export interface OmniaClientOptions {
  /** The facade's WebSocket endpoint, e.g. `ws://127.0.0.1:8080/ws`; http(s) and (in a page) relative URLs work too. */
  url: string;
  agent?: string;
  namespace?: string;
  /** Continue this session: the first connect asks to resume it after `lastSeq`. */
  sessionId?: string;
  /** The last `seq` the application has seen of `sessionId` (default 0: replay everything journaled). */
  lastSeq?: number;
  backoff?: Partial<BackoffPolicy>;
  /** Runs client-side tools. Without it every tool call is declined (`tool_call_nack`). */
  onToolCall?: ToolCallHandler;
  /** The WebSocket constructor to use instead of the global one. */
  WebSocket?: WebSocketConstructor;
}

export interface SendOptions {
  /** Forwarded to the runtime: prompt variables, `mock_scenario` for the mock provider, … */
  metadata?: Record<string, string>;
  /** Sent instead of the text when given (the protocol: parts win over content). */
  parts?: ContentPart[];
}

export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export interface StateChange {
  state: ConnectionState;
  /** reconnecting: the attempt about to be made (1 for the first after a drop) and the wait before it. */
  attempt?: number;
  delayMs?: number;
  /** reconnecting, closed: how the socket that ended closed. */
  code?: number;
  reason?: string;
}

/**
 * Sent on each `connected`. `resumed`: the server re-attached this socket to the session and replays
 * what was missed. When not resumed but `sessionId` is unchanged, the client names its session in the
 * next message, which continues the conversation if the runtime still has it (PROTOCOL.md, Sessions 4).
 */
export interface SessionChange {
  sessionId: string;
  resumed: boolean;
  previous?: string;
}

export interface ReceivedFrame {
  frame: ServerFrame;
  /** A turn frame at or below `lastSeq` (a replay of what was already delivered): not acted on. */
  duplicate: boolean;
}

export interface InvalidFrame {
  raw: string;
  problem: string;
}

export interface OmniaClientEvents {
  state: StateChange;
  session: SessionChange;
  /** Every frame that matched the protocol's schemas, as it arrived. */
  frame: ReceivedFrame;
  /** Every frame that did not: reported, then ignored. */
  invalidFrame: InvalidFrame;
  /** Errors that belong to no turn of this client. */
  error: OmniaError;
}

export type MessageFrameInput = v.InferInput<typeof MessageFrameSchema>;

export type OutgoingFrame =
  | MessageFrameInput
  | v.InferInput<typeof ToolResultFrameSchema>
  | v.InferInput<typeof ToolCallAckFrameSchema>
  | v.InferInput<typeof ToolCallNackFrameSchema>
  | v.InferInput<typeof HangupFrameSchema>;
