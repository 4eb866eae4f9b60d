// The turn frames of protocol v1 (`chunk`, `tool_call`, `done`, turn-ending `error`) as the JSON
// text the client receives, each with its `seq` and `turn_id`. The facade builds them as the
// runtime streams; the runtime builds the same ones when it finishes a turn whose facade died,
// so a resumed client cannot tell who journaled a frame.
import type { ContentPart } from "./content-part.js";
import { toErrorCode } from "./error-codes.js";

export type TurnFrameEvent =
  | { type: "chunk"; content: string }
  | { type: "tool_call"; id: string; name: string; argumentsJson: string; consentMessage?: string; categories?: string[] }
  | { type: "done"; content: string; parts: ContentPart[]; usage?: { inputTokens: number; outputTokens: number; costUsd: number } }
  | { type: "error"; code: string; message: string };

// Frames of one millisecond share a timestamp: formatting a Date for every chunk costs more
// than the rest of building the frame.
let lastMs = 0;
let lastIso = "";
export function timestamp(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

/** The frame's JSON text; field order as the reference writes frames (type, timestamp, session_id first). */
export function turnFrameJson(event: TurnFrameEvent, sessionId: string, seq: number, turnId: string): string {
  if (event.type === "chunk") {
    // The hot path: one text delta.
    return JSON.stringify({ type: "chunk", timestamp: timestamp(), session_id: sessionId, content: event.content, seq, turn_id: turnId });
  }
  const frame: Record<string, unknown> = { type: event.type, timestamp: timestamp(), session_id: sessionId };
  switch (event.type) {
    case "tool_call": {
      const toolCall: Record<string, unknown> = { id: event.id, name: event.name, arguments: parseArguments(event.argumentsJson) };
      if (event.consentMessage) toolCall.consent_message = event.consentMessage;
      if (event.categories && event.categories.length > 0) toolCall.categories = event.categories;
      frame.tool_call = toolCall;
      break;
    }
    case "done":
      frame.content = event.content;
      if (event.parts.length > 0) frame.parts = event.parts;
      if (event.usage) {
        frame.usage = { input_tokens: event.usage.inputTokens, output_tokens: event.usage.outputTokens, cost_usd: float32Decimal(event.usage.costUsd) };
      }
      break;
    case "error":
      frame.error = { code: toErrorCode(event.code), message: event.message };
      break;
  }
  frame.seq = seq;
  frame.turn_id = turnId;
  return JSON.stringify(frame);
}

/** Whether the event ends its turn. */
export function endsTurn(event: TurnFrameEvent): boolean {
  return event.type === "done" || event.type === "error";
}

function parseArguments(json: string): Record<string, unknown> {
  if (json.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return { value };
  } catch {
    return { raw: json };
  }
}

/**
 * cost_usd crosses gRPC as a float (32-bit, the reference's contract), so 0.032 arrives as
 * 0.03200000151991844; a float carries about 7 significant digits, and the shortest decimal with
 * 7 of them is the number that was sent.
 */
export function float32Decimal(value: number): number {
  return value === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(7));
}
