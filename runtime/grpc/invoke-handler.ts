// Invoke (function mode): one turn on an empty, unsaved history with no client attached. The input
// is a JSON value: a string is the user's text, anything else is passed as its JSON text.
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { status, type sendUnaryData, type ServerErrorResponse, type ServerUnaryCall } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { InvocationResponseSchema, type InvocationRequest, type InvocationResponse } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import type { ErrorCode } from "../../shared/protocol/error-codes.js";
import type { ConversationEngine } from "../engine/conversation-engine.js";
import type { TurnEvent } from "../engine/turn-events.js";
import { LazyLogger } from "../lazy-logger.js";
import { callIdentity, identityLogFields } from "./call-identity.js";

const STATUS_OF: Partial<Record<ErrorCode, status>> = {
  INVALID_MESSAGE: status.INVALID_ARGUMENT,
  PROVIDER_ERROR: status.UNAVAILABLE,
  TOOL_FAILED: status.FAILED_PRECONDITION,
  VALIDATION_FAILED: status.FAILED_PRECONDITION,
};

export function invokeHandler(engine: ConversationEngine, logger: Logger) {
  return (call: ServerUnaryCall<InvocationRequest, InvocationResponse>, callback: sendUnaryData<InvocationResponse>): void => {
    const started = Date.now();
    const invocationId = call.request.invocationId || randomUUID();
    const log = new LazyLogger(logger, { ...identityLogFields(callIdentity(call.metadata)), session_id: invocationId });
    const input = userInput(call.request.inputJson);
    if (input === undefined) {
      return callback(failure(status.INVALID_ARGUMENT, "INVALID_MESSAGE: input_json is not valid JSON"));
    }
    const abort = new AbortController();
    call.on("cancelled", () => abort.abort(new Error("the caller cancelled the invocation")));

    void collect(engine.startTurn({ sessionId: invocationId, content: input, metadata: { ...call.request.metadata }, mode: "function", signal: abort.signal }))
      .then((end) => {
        if (end.type === "error") {
          log.info({ code: end.code }, "invocation failed");
          return callback(failure(STATUS_OF[end.code] ?? status.INTERNAL, `${end.code}: ${end.message}`));
        }
        callback(
          null,
          create(InvocationResponseSchema, {
            outputJson: JSON.stringify(end.finalContent),
            usage: end.usage,
            durationMs: BigInt(Date.now() - started),
            invocationId,
          }),
        );
      });
  };
}

function userInput(inputJson: string): string | undefined {
  try {
    const value: unknown = JSON.parse(inputJson);
    return typeof value === "string" ? value : inputJson;
  } catch {
    return undefined;
  }
}

async function collect(events: AsyncIterable<TurnEvent>): Promise<Extract<TurnEvent, { type: "done" | "error" }>> {
  for await (const event of events) {
    if (event.type === "done" || event.type === "error") return event;
  }
  return { type: "error", code: "INTERNAL_ERROR", message: "the turn ended without an answer" };
}

function failure(code: status, details: string): ServerErrorResponse {
  return Object.assign(new Error(details), { code, details });
}
