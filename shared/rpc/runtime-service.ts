// grpc-js service definition for omnia.runtime.v1.RuntimeService built from the
// protobuf-es descriptors, so the wire codec is the generated one (no proto-loader, no eval).
import type { ServiceDefinition } from "@grpc/grpc-js";
import { fromBinary, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import {
  ClientMessageSchema,
  HasConversationRequestSchema,
  HasConversationResponseSchema,
  HealthRequestSchema,
  HealthResponseSchema,
  InvocationRequestSchema,
  InvocationResponseSchema,
  ServerMessageSchema,
  type ClientMessage,
  type HasConversationRequest,
  type HasConversationResponse,
  type HealthRequest,
  type HealthResponse,
  type InvocationRequest,
  type InvocationResponse,
  type ServerMessage,
} from "../gen/omnia/runtime/v1/runtime_pb.js";

export const RUNTIME_SERVICE = "omnia.runtime.v1.RuntimeService";
export const CONTRACT_VERSION = "1.5.0";

function codec<D extends DescMessage>(schema: D) {
  return {
    serialize: (value: MessageShape<D>): Buffer => Buffer.from(toBinary(schema, value)),
    deserialize: (bytes: Buffer): MessageShape<D> => fromBinary(schema, bytes),
  };
}

function method<I extends DescMessage, O extends DescMessage>(
  name: string,
  input: I,
  output: O,
  requestStream: boolean,
  responseStream: boolean,
) {
  const inCodec = codec(input);
  const outCodec = codec(output);
  return {
    path: `/${RUNTIME_SERVICE}/${name}`,
    requestStream,
    responseStream,
    requestSerialize: inCodec.serialize,
    requestDeserialize: inCodec.deserialize,
    responseSerialize: outCodec.serialize,
    responseDeserialize: outCodec.deserialize,
    originalName: name.charAt(0).toLowerCase() + name.slice(1),
  };
}

export type RuntimeServiceDefinition = ServiceDefinition<{
  converse: import("@grpc/grpc-js").handleBidiStreamingCall<ClientMessage, ServerMessage>;
  invoke: import("@grpc/grpc-js").handleUnaryCall<InvocationRequest, InvocationResponse>;
  health: import("@grpc/grpc-js").handleUnaryCall<HealthRequest, HealthResponse>;
  hasConversation: import("@grpc/grpc-js").handleUnaryCall<HasConversationRequest, HasConversationResponse>;
}>;

export const runtimeServiceDefinition = {
  converse: method("Converse", ClientMessageSchema, ServerMessageSchema, true, true),
  invoke: method("Invoke", InvocationRequestSchema, InvocationResponseSchema, false, false),
  health: method("Health", HealthRequestSchema, HealthResponseSchema, false, false),
  hasConversation: method("HasConversation", HasConversationRequestSchema, HasConversationResponseSchema, false, false),
} satisfies RuntimeServiceDefinition;
