// The Omnia protocol client: the one entry for browsers (bundled to /omnia-client.js), Workers and Node.
export { OmniaClient } from "./omnia-client.js";
export { Turn, type DoneInfo } from "./turn.js";
export { OmniaError, OmniaTurnError, type ClientErrorCode, type OmniaErrorCode } from "./omnia-error.js";
export { DEFAULT_BACKOFF, type BackoffPolicy } from "./backoff.js";
export type {
  ConnectionState,
  InvalidFrame,
  OmniaClientEvents,
  OmniaClientOptions,
  ReceivedFrame,
  SendOptions,
  SessionChange,
  StateChange,
  ToolAnswer,
  ToolCall,
  ToolCallHandler,
  WebSocketConstructor,
} from "./client-types.js";
export type { ServerFrame } from "../protocol/server-frames.js";
