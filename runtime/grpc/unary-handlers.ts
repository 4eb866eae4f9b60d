// Health and HasConversation: the facade's probes of this runtime and of a session's history; the
// answers are transport-neutral, the handlers are grpc-js's.
import { create } from "@bufbuild/protobuf";
import type { sendUnaryData, ServerUnaryCall } from "@grpc/grpc-js";
import type { Logger } from "pino";
import {
  HasConversationResponseSchema,
  HealthResponseSchema,
  ResumeState,
  type HasConversationRequest,
  type HasConversationResponse,
  type HealthRequest,
  type HealthResponse,
} from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { CONTRACT_VERSION } from "../../shared/rpc/runtime-service.js";
import type { SessionStore } from "../../shared/session/session-store.js";

export const RUNTIME_CAPABILITIES = ["client_tools", "invoke"];

/** Shared with the health endpoint: a draining runtime reports itself not serving. */
export interface RuntimeStatus {
  draining: boolean;
}

/** Health's answer, whatever carries it (grpc-js here, gRPC-web in runtime/grpc-web/). */
export function healthResponse(status: RuntimeStatus): HealthResponse {
  return create(HealthResponseSchema, {
    healthy: !status.draining,
    status: status.draining ? "NOT_SERVING" : "SERVING",
    contractVersion: CONTRACT_VERSION,
    capabilities: RUNTIME_CAPABILITIES,
  });
}

/** HasConversation's answer; never rejects (a failing store is RESUME_STATE_UNAVAILABLE). */
export async function conversationState(store: SessionStore, logger: Logger, sessionId: string): Promise<HasConversationResponse> {
  const reply = (state: ResumeState, detail: string) => create(HasConversationResponseSchema, { state, detail });
  if (sessionId === "") return reply(ResumeState.NOT_FOUND, "session_id is empty");
  try {
    const meta = await store.getSession(sessionId);
    return meta ? reply(ResumeState.RESUMABLE, `${meta.turnCount} turns`) : reply(ResumeState.NOT_FOUND, "no conversation with this id (never started, or expired)");
  } catch (err) {
    logger.warn({ err, session_id: sessionId }, "has-conversation: session store failed");
    return reply(ResumeState.UNAVAILABLE, "the session store is unavailable");
  }
}

export function healthHandler(status: RuntimeStatus) {
  return (_call: ServerUnaryCall<HealthRequest, HealthResponse>, callback: sendUnaryData<HealthResponse>): void => {
    callback(null, healthResponse(status));
  };
}

export function hasConversationHandler(store: SessionStore, logger: Logger) {
  return (call: ServerUnaryCall<HasConversationRequest, HasConversationResponse>, callback: sendUnaryData<HasConversationResponse>): void => {
    void conversationState(store, logger, call.request.sessionId).then((response) => callback(null, response));
  };
}
