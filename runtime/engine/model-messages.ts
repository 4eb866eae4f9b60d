// Stored history -> what the model is sent. Kept apart from storage so providers never see store types.
import type { StoredMessage } from "../../shared/session/session-store.js";
import type { ModelMessage } from "../providers/language-model.js";

export function toModelMessages(stored: readonly StoredMessage[]): ModelMessage[] {
  // Tool messages store only the call id; the name comes from the assistant message that made the call.
  const toolNames = new Map<string, string>();
  return stored.map((message): ModelMessage => {
    switch (message.role) {
      case "system":
        return { role: "system", content: message.content };
      case "user":
        return { role: "user", content: message.content, ...(message.parts?.length ? { parts: message.parts } : {}) };
      case "assistant":
        for (const call of message.toolCalls ?? []) toolNames.set(call.id, call.name);
        return { role: "assistant", content: message.content, ...(message.toolCalls?.length ? { toolCalls: message.toolCalls } : {}) };
      case "tool": {
        const toolCallId = message.toolCallId ?? "";
        const toolName = toolNames.get(toolCallId) ?? message.metadata?.["tool_name"] ?? "";
        return { role: "tool", toolCallId, toolName, content: message.content };
      }
    }
  });
}
