// Turn events -> the contract's ServerMessage (omnia.runtime.v1).
import { create } from "@bufbuild/protobuf";
import { ServerMessageSchema, ToolExecution, type ServerMessage } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import type { TurnEvent } from "../engine/turn-events.js";

export function toServerMessage(event: TurnEvent): ServerMessage {
  switch (event.type) {
    case "chunk":
      // Once per streamed word: a literal is what create() would return (proto3, no defaults to
      // fill), without its per-field init pass; the types still make it name every field.
      return {
        $typeName: "omnia.runtime.v1.ServerMessage",
        message: { case: "chunk", value: { $typeName: "omnia.runtime.v1.Chunk", content: event.text, role: "assistant" } },
      };
    case "tool_call":
      return create(ServerMessageSchema, {
        message: {
          case: "toolCall",
          value: {
            id: event.id,
            name: event.name,
            argumentsJson: event.argumentsJson,
            execution: ToolExecution.CLIENT,
            consentMessage: event.consentMessage,
            categories: event.categories,
          },
        },
      });
    case "done":
      return create(ServerMessageSchema, {
        message: {
          case: "done",
          value: {
            finalContent: event.finalContent,
            usage: { inputTokens: event.usage.inputTokens, outputTokens: event.usage.outputTokens, costUsd: event.usage.costUsd },
          },
        },
      });
    case "error":
      return create(ServerMessageSchema, { message: { case: "error", value: { code: event.code, message: event.message } } });
  }
}

export function errorMessage(code: Extract<TurnEvent, { type: "error" }>["code"], message: string): ServerMessage {
  return toServerMessage({ type: "error", code, message });
}
