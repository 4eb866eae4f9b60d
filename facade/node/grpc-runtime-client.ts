// RuntimeClient over grpc-js to the runtime on localhost (the pod's sidecar placement).
// grpc-js and protobuf types stay in this file; the core sees only RuntimeEvent values.
import { create } from "@bufbuild/protobuf";
import { Metadata, status, type ClientDuplexStream, type ServiceError } from "@grpc/grpc-js";
import {
  ClientMessageSchema,
  HasConversationRequestSchema,
  HealthRequestSchema,
  ResumeState,
  ToolExecution,
  type ClientMessage,
  type ServerMessage,
} from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { createRuntimeStub, type RuntimeStub } from "../../shared/rpc/runtime-stub.js";
import {
  RuntimeUnavailableError,
  type CallContext,
  type ConversationState,
  type RuntimeClient,
  type RuntimeEvent,
  type ToolResultToRuntime,
  type TurnListener,
  type TurnRequest,
  type TurnStream,
} from "../core/runtime-port.js";

const UNARY_DEADLINE_MS = 5_000;
const CANCEL_GRACE_MS = 5_000;

export class GrpcRuntimeClient implements RuntimeClient {
  private readonly stub: RuntimeStub;

  constructor(readonly address: string) {
    this.stub = createRuntimeStub(address, {
      "grpc.keepalive_time_ms": 20_000,
      "grpc.keepalive_timeout_ms": 10_000,
      "grpc.keepalive_permit_without_calls": 1,
      "grpc.initial_reconnect_backoff_ms": 200,
      "grpc.max_reconnect_backoff_ms": 2_000,
      "grpc.max_receive_message_length": 64 * 1024 * 1024,
      "grpc.max_send_message_length": 64 * 1024 * 1024,
      // No channelz service reads them; with it on grpc-js stamps every message with Date.now().
      "grpc.enable_channelz": 0,
    });
  }

  converse(request: TurnRequest): TurnStream {
    const call = this.stub.converse(toMetadata(request.context));
    call.write(
      create(ClientMessageSchema, {
        sessionId: request.sessionId,
        content: request.content,
        metadata: request.metadata,
        parts: request.parts.map((p) => ({
          type: p.type,
          text: p.text ?? "",
          ...(p.media
            ? { media: { data: p.media.data ?? "", url: p.media.url ?? "", mimeType: p.media.mime_type, storageRef: p.media.storage_ref ?? "" } }
            : {}),
        })),
      }),
    );
    return new GrpcTurnStream(call);
  }

  hasConversation(sessionId: string, context: CallContext): Promise<ConversationState> {
    return new Promise((resolve) => {
      this.stub.hasConversation(
        create(HasConversationRequestSchema, { sessionId }),
        toMetadata(context),
        { deadline: Date.now() + UNARY_DEADLINE_MS },
        (err, response) => {
          if (err || !response) return resolve("unavailable");
          if (response.state === ResumeState.RESUMABLE) return resolve("resumable");
          if (response.state === ResumeState.NOT_FOUND) return resolve("not_found");
          resolve("unavailable");
        },
      );
    });
  }

  health(): Promise<{ healthy: boolean; status: string }> {
    return new Promise((resolve) => {
      this.stub.health(create(HealthRequestSchema, {}), new Metadata(), { deadline: Date.now() + UNARY_DEADLINE_MS }, (err, response) => {
        if (err || !response) return resolve({ healthy: false, status: `runtime at ${this.address} unreachable: ${err?.details ?? "no response"}` });
        resolve({ healthy: response.healthy, status: response.status });
      });
    });
  }

  close(): void {
    this.stub.close();
  }
}

class GrpcTurnStream implements TurnStream {
  private cancelled = false;

  constructor(private readonly call: ClientDuplexStream<ClientMessage, ServerMessage>) {}

  listen(listener: TurnListener): void {
    let ended = false;
    const end = (error?: RuntimeUnavailableError) => {
      if (ended) return;
      ended = true;
      listener.end(error);
    };
    this.call.on("data", (message: ServerMessage) => {
      const event = toEvent(message);
      if (event) listener.event(event);
    });
    this.call.on("error", (err: ServiceError) => {
      if (this.cancelled) return end();
      end(new RuntimeUnavailableError(`the agent runtime is unavailable (${status[err.code] ?? "stream failed"}${err.details ? `: ${err.details}` : ""})`));
    });
    this.call.on("end", () => end());
  }

  sendToolResult(result: ToolResultToRuntime): void {
    if (this.cancelled || this.call.writableEnded) return;
    this.call.write(
      create(ClientMessageSchema, {
        clientToolResult: {
          callId: result.callId,
          resultJson: result.resultJson,
          isRejected: result.rejected,
          rejectionReason: result.rejectionReason ?? "",
        },
      }),
    );
  }

  finish(): void {
    if (!this.call.writableEnded) this.call.end();
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    if (this.call.writableEnded) return this.call.cancel();
    // Cutting the stream now could drop the cancel message, and a stream cut without it is a
    // facade that died (the runtime would finish the turn): send it, then cut if ignored.
    this.call.write(create(ClientMessageSchema, { cancel: true }));
    this.call.end();
    setTimeout(() => this.call.cancel(), CANCEL_GRACE_MS).unref();
  }

  release(): void {
    this.cancelled = true;
    this.call.cancel();
  }
}

function toEvent(message: ServerMessage): RuntimeEvent | null {
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

function toMetadata(context: CallContext): Metadata {
  const md = new Metadata();
  md.set("x-omnia-agent-name", context.agentName);
  md.set("x-omnia-namespace", context.namespace);
  md.set("x-omnia-session-id", context.sessionId);
  md.set("x-omnia-request-id", context.requestId);
  if (context.workspace) md.set("x-omnia-workspace", context.workspace);
  if (context.userId) md.set("x-omnia-user-id", context.userId);
  return md;
}
