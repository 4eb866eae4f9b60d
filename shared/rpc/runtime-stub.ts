// A typed grpc-js client of RuntimeService: the generic client constructor's methods, typed by
// the codecs of runtimeServiceDefinition. Used by the Node facade's adapter and by tests.
import {
  credentials,
  makeGenericClientConstructor,
  type CallOptions,
  type ChannelOptions,
  type ClientDuplexStream,
  type Metadata,
  type ServiceError,
} from "@grpc/grpc-js";
import type {
  ClientMessage,
  HasConversationRequest,
  HasConversationResponse,
  HealthRequest,
  HealthResponse,
  InvocationRequest,
  InvocationResponse,
  ServerMessage,
} from "../gen/omnia/runtime/v1/runtime_pb.js";
import { runtimeServiceDefinition } from "./runtime-service.js";

export type UnaryCallback<T> = (err: ServiceError | null, value?: T) => void;

export interface RuntimeStub {
  converse(metadata: Metadata, options?: CallOptions): ClientDuplexStream<ClientMessage, ServerMessage>;
  health(request: HealthRequest, metadata: Metadata, options: CallOptions, callback: UnaryCallback<HealthResponse>): void;
  hasConversation(request: HasConversationRequest, metadata: Metadata, options: CallOptions, callback: UnaryCallback<HasConversationResponse>): void;
  invoke(request: InvocationRequest, metadata: Metadata, options: CallOptions, callback: UnaryCallback<InvocationResponse>): void;
  close(): void;
}

const RuntimeClient = makeGenericClientConstructor(runtimeServiceDefinition, "RuntimeService");

/** Plaintext: the runtime is reached on localhost inside the pod. */
export function createRuntimeStub(address: string, options: ChannelOptions = {}): RuntimeStub {
  return new RuntimeClient(address, credentials.createInsecure(), options) as unknown as RuntimeStub;
}
