// A client-side tool call run through the application's handler. Whatever the handler does (answers,
// refuses, throws, returns a result that is not JSON), the outcome is a tool_result the server takes,
// so the model always learns what became of its call.
import type { ToolCallFrame } from "../protocol/server-frames.js";
import type { ToolAnswer, ToolCall, ToolCallHandler } from "./client-types.js";
import type { Turn } from "./turn.js";

export type ToolResult = { call_id: string; result: unknown } | { call_id: string; error: string };

export function toToolCall(wire: ToolCallFrame["tool_call"]): ToolCall {
  const { id, name, arguments: args, consent_message, categories } = wire;
  return { id, name, arguments: args, categories: categories ?? [], ...(consent_message ? { consentMessage: consent_message } : {}) };
}

export async function runToolCall(wire: ToolCallFrame["tool_call"], handler: ToolCallHandler, turn: Turn): Promise<ToolResult> {
  const { id, name } = wire;
  try {
    const answer: ToolAnswer = await handler(toToolCall(wire), turn);
    if ("error" in answer) return { call_id: id, error: String(answer.error) };
    JSON.stringify(answer.result); // throws here, not when the frame is sent, if the result is not JSON
    return { call_id: id, result: answer.result };
  } catch (err) {
    return { call_id: id, error: `tool ${name} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
