// Health and HasConversation: the facade's probes of this runtime and of a session's history.
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

export function healthHandler(status: RuntimeStatus) {
  return (_call: ServerUnaryCall<HealthRequest, HealthResponse>, callback: sendUnaryData<HealthResponse>): void => {
    callback(
      null,
      create(HealthResponseSchema, {
        healthy: !status.draining,
        status: status.draining ? "NOT_SERVING" : "SERVING",
        contractVersion: CONTRACT_VERSION,
        capabilities: RUNTIME_CAPABILITIES,
      }),
    );
  };
}

export function hasConversationHandler(store: SessionStore, logger: Logger) {
  return (call: ServerUnaryCall<HasConversationRequest, HasConversationResponse>, callback: sendUnaryData<HasConversationResponse>): void => {
    const sessionId = call.request.sessionId;
    const reply = (state: ResumeState, detail: string) => callback(null, create(HasConversationResponseSchema, { state, detail }));
    if (sessionId === "") return reply(ResumeState.NOT_FOUND, "session_id is empty");
    store.getSession(sessionId).then(
      (meta) => (meta ? reply(ResumeState.RESUMABLE, `${meta.turnCount} turns`) : reply(ResumeState.NOT_FOUND, "no conversation with this id (never started, or expired)")),
      (err: unknown) => {
        logger.warn({ err, session_id: sessionId }, "has-conversation: session store failed");
        reply(ResumeState.UNAVAILABLE, "the session store is unavailable");
      },
    );
  };
}
