// Our model request -> the AI SDK's prompt and tool set. Tools carry no execute function: the AI SDK
// only reports the model's tool calls, and the engine runs them in its own loop.
import { type FilePart, type ImagePart, jsonSchema, type JSONSchema7, type ModelMessage as AiMessage, type TextPart, tool, type ToolSet } from "ai";
import { type ModelMessage, type ModelPart, type ModelToolSpec, ProviderError } from "../language-model.js";

export function toAiSdkMessages(messages: readonly ModelMessage[]): AiMessage[] {
  return messages.map((message): AiMessage => {
    switch (message.role) {
      case "system":
        return { role: "system", content: message.content };
      case "user":
        return { role: "user", content: message.parts?.length ? userContent(message.content, message.parts) : message.content };
      case "assistant": {
        const text: TextPart[] = message.content === "" ? [] : [{ type: "text", text: message.content }];
        const calls = (message.toolCalls ?? []).map((call) => ({
          type: "tool-call" as const,
          toolCallId: call.id,
          toolName: call.name,
          input: parseArguments(call.argumentsJson),
        }));
        return { role: "assistant", content: [...text, ...calls] };
      }
      case "tool":
        return {
          role: "tool",
          content: [{ type: "tool-result", toolCallId: message.toolCallId, toolName: message.toolName, output: { type: "text", value: message.content } }],
        };
    }
  });
}

export function toAiSdkTools(tools: readonly ModelToolSpec[]): ToolSet {
  return Object.fromEntries(
    tools.map((spec) => [spec.name, tool({ description: spec.description, inputSchema: jsonSchema(spec.inputSchema as JSONSchema7) })]),
  );
}

// The message text comes first unless the parts carry their own text.
function userContent(content: string, parts: readonly ModelPart[]): Array<TextPart | ImagePart | FilePart> {
  const hasText = parts.some((part) => part.type === "text");
  const lead: TextPart[] = !hasText && content !== "" ? [{ type: "text", text: content }] : [];
  return [...lead, ...parts.map(toAiSdkPart)];
}

function toAiSdkPart(part: ModelPart): TextPart | ImagePart | FilePart {
  if (part.type === "text") return { type: "text", text: part.text ?? "" };
  const media = part.media;
  // base64 data as a string, a URL as a URL: the AI SDK tells them apart by type.
  const data = media?.data ?? (media?.url !== undefined ? new URL(media.url) : undefined);
  if (data === undefined) throw new ProviderError(`a ${part.type} part has neither data nor a URL to send to the model`);
  if (part.type === "image") return { type: "image", image: data, ...(media?.mimeType ? { mediaType: media.mimeType } : {}) };
  return { type: "file", data, mediaType: media?.mimeType ?? "application/octet-stream" };
}

// Arguments the model produced earlier and that were stored as text; not JSON, they go back as text.
function parseArguments(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}
