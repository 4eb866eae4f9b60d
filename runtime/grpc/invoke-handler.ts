// Invoke on grpc-js (the invocation itself: invocation.ts).
import type { sendUnaryData, ServerErrorResponse, ServerUnaryCall } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { InvocationRequest, InvocationResponse } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import type { ConversationEngine } from "../engine/conversation-engine.js";
import { callerIsLocal, callIdentity } from "./call-identity.js";
import { asInvocationFailure, invoke } from "./invocation.js";

export function invokeHandler(engine: ConversationEngine, logger: Logger) {
  return (call: ServerUnaryCall<InvocationRequest, InvocationResponse>, callback: sendUnaryData<InvocationResponse>): void => {
    const abort = new AbortController();
    call.on("cancelled", () => abort.abort(new Error("the caller cancelled the invocation")));
    invoke(engine, logger, call.request, callIdentity(call.metadata, callerIsLocal(call.getPeer())), abort.signal).then(
      (response) => callback(null, response),
      (err: unknown) => callback(failure(err)),
    );
  };
}

function failure(err: unknown): ServerErrorResponse {
  const { code, details } = asInvocationFailure(err);
  return Object.assign(new Error(details), { code, details });
}
