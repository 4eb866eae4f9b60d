// Any failure inside a turn -> the one `error` event that ends it. Messages of unexpected errors
// stay in the log; the client gets a message it can act on.
import { SessionStoreUnavailableError } from "../../shared/session/session-store.js";
import { ProviderError } from "../providers/language-model.js";
import { TurnError } from "../turn-error.js";
import type { TurnEvent } from "./turn-events.js";

export type TurnErrorEvent = Extract<TurnEvent, { type: "error" }>;

export function toErrorEvent(err: unknown, cancelled: boolean): { event: TurnErrorEvent; expected: boolean } {
  if (cancelled) return { event: { type: "error", code: "INTERNAL_ERROR", message: "the turn was cancelled" }, expected: true };
  if (err instanceof TurnError) return { event: { type: "error", code: err.code, message: err.message }, expected: true };
  if (err instanceof ProviderError) return { event: { type: "error", code: "PROVIDER_ERROR", message: err.message }, expected: true };
  // Retryable from the client's side: the agent cannot keep the conversation right now.
  if (err instanceof SessionStoreUnavailableError) {
    return { event: { type: "error", code: "AGENT_UNAVAILABLE", message: "the session store is unavailable; nothing of this turn was saved, try again" }, expected: false };
  }
  return { event: { type: "error", code: "INTERNAL_ERROR", message: "the runtime failed to complete the turn; nothing of it was saved" }, expected: false };
}
