// RuntimeClient over grpc-js to the runtime on localhost (the pod's sidecar placement).
// grpc-js and protobuf types stay in this file; the core sees only RuntimeEvent values.
import { create } from "@bufbuild/protobuf";
import { Metadata, status, type ClientDuplexStream, type ServiceError } from "@grpc/grpc-js";
import {
  ClientMessageSchema,
  HasConversationRequestSchema,
  HealthRequestSchema,
  ResumeState,
  type ClientMessage,
  type ServerMessage,
} from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { createRuntimeStub, type RuntimeStub } from "../../shared/rpc/runtime-stub.js";
import {
  RuntimeUnavailableError,
  type CallContext,
  type ConversationState,
  type RuntimeClient,
  type ToolResultToRuntime,
  type TurnListener,
  type TurnRequest,
  type TurnStream,
} from "../core/runtime-port.js";
import { callContextHeaders, toClientMessage, toRuntimeEvent } from "../core/runtime-messages.js";

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
    call.write(toClientMessage(request));
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
      const event = toRuntimeEvent(message);
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

function toMetadata(context: CallContext): Metadata {
  const md = new Metadata();
  for (const [key, value] of Object.entries(callContextHeaders(context))) md.set(key, value);
  return md;
}
