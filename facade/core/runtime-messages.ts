// The runtime contract's messages (omnia.runtime.v1, protobuf-es: portable) as the core's values
// and back, for every RuntimeClient whatever carries it (grpc-js in the pod, gRPC-web at the edge).
import { create } from "@bufbuild/protobuf";
import { ClientMessageSchema, ToolExecution, type ClientMessage, type ServerMessage } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { identityHeaders } from "../../shared/auth/index.js";
import type { CallContext, RuntimeEvent, TurnRequest } from "./runtime-port.js";

/** The event a ServerMessage carries; null for what the core does not see (a Heartbeat, an unknown kind). */
export function toRuntimeEvent(message: ServerMessage): RuntimeEvent | null {
  const m = message.message;
  switch (m.case) {
    case "chunk":
      return { type: "chunk", content: m.value.content };
    case "toolCall":
      return {
        type: "tool_call",
        id: m.value.id,
        name: m.value.name,
        argumentsJson: m.value.argumentsJson,
        client: m.value.execution === ToolExecution.CLIENT,
        consentMessage: m.value.consentMessage,
        categories: m.value.categories,
      };
    case "done":
      return {
        type: "done",
        content: m.value.finalContent,
        parts: m.value.parts.map((p) => ({
          type: (["text", "image", "audio", "video", "file"] as const).find((t) => t === p.type) ?? "file",
          ...(p.text ? { text: p.text } : {}),
          ...(p.media
            ? { media: { mime_type: p.media.mimeType, ...(p.media.url ? { url: p.media.url } : {}), ...(p.media.storageRef ? { storage_ref: p.media.storageRef } : {}), ...(p.media.data ? { data: p.media.data } : {}) } }
            : {}),
        })),
        ...(m.value.usage
          ? { usage: { inputTokens: m.value.usage.inputTokens, outputTokens: m.value.usage.outputTokens, costUsd: m.value.usage.costUsd } }
          : {}),
      };
    case "error":
      return { type: "error", code: m.value.code, message: m.value.message };
    default:
      return null;
  }
}

/** The turn's first ClientMessage. */
export function toClientMessage(request: TurnRequest): ClientMessage {
  return create(ClientMessageSchema, {
    sessionId: request.sessionId,
    content: request.content,
    metadata: request.metadata,
    parts: request.parts.map((p) => ({
      type: p.type,
      text: p.text ?? "",
      ...(p.media ? { media: { data: p.media.data ?? "", url: p.media.url ?? "", mimeType: p.media.mime_type, storageRef: p.media.storage_ref ?? "" } } : {}),
    })),
  });
}

/** The call's identity as the x-omnia-* headers (gRPC metadata) the runtime reads. */
export function callContextHeaders(context: CallContext): Record<string, string> {
  return {
    "x-omnia-agent-name": context.agentName,
    "x-omnia-namespace": context.namespace,
    "x-omnia-session-id": context.sessionId,
    "x-omnia-request-id": context.requestId,
    ...(context.workspace ? { "x-omnia-workspace": context.workspace } : {}),
    ...(context.identity ? identityHeaders(context.identity) : {}),
  };
}
