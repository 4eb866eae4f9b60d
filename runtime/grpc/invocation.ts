// Invoke (function mode): one turn on an empty, unsaved history with no client attached. The input
// is a JSON value: a string is the user's text, anything else is passed as its JSON text. Shared
// by the grpc-js and gRPC-web handlers, which turn an InvocationFailure into their call's status.
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import type { Logger } from "pino";
import { InvocationResponseSchema, type InvocationRequest, type InvocationResponse } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import type { ErrorCode } from "../../shared/protocol/error-codes.js";
import type { ConversationEngine } from "../engine/conversation-engine.js";
import type { TurnEvent } from "../engine/turn-events.js";
import { LazyLogger } from "../lazy-logger.js";
import { identityLogFields, type CallIdentity } from "./call-identity.js";

// gRPC status codes: the same numbers in grpc-js's `status` and Connect's `Code`.
const INVALID_ARGUMENT = 3;
const FAILED_PRECONDITION = 9;
const INTERNAL = 13;
const UNAVAILABLE = 14;

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  INVALID_MESSAGE: INVALID_ARGUMENT,
  PROVIDER_ERROR: UNAVAILABLE,
  TOOL_FAILED: FAILED_PRECONDITION,
  VALIDATION_FAILED: FAILED_PRECONDITION,
};

/** The invocation failed; `code` is the gRPC status for the call, `details` its message. */
export class InvocationFailure extends Error {
  override readonly name = "InvocationFailure";
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(details);
  }
}

/** The failure to report for whatever an invocation threw. */
export function asInvocationFailure(err: unknown): InvocationFailure {
  if (err instanceof InvocationFailure) return err;
  return new InvocationFailure(INTERNAL, `INTERNAL_ERROR: ${err instanceof Error ? err.message : String(err)}`);
}

/** Runs the invocation; rejects with an InvocationFailure when it fails. `signal`: the caller went away. */
export async function invoke(engine: ConversationEngine, logger: Logger, request: InvocationRequest, identity: CallIdentity, signal: AbortSignal): Promise<InvocationResponse> {
  const started = Date.now();
  const invocationId = request.invocationId || randomUUID();
  const input = userInput(request.inputJson);
  if (input === undefined) throw new InvocationFailure(INVALID_ARGUMENT, "INVALID_MESSAGE: input_json is not valid JSON");
  const end = await collect(engine.startTurn({ sessionId: invocationId, content: input, metadata: { ...request.metadata }, ...(identity.userId ? { userId: identity.userId } : {}), mode: "function", signal }));
  if (end.type === "error") {
    new LazyLogger(logger, { ...identityLogFields(identity), session_id: invocationId }).info({ code: end.code }, "invocation failed");
    throw new InvocationFailure(STATUS_OF[end.code] ?? INTERNAL, `${end.code}: ${end.message}`);
  }
  return create(InvocationResponseSchema, {
    outputJson: JSON.stringify(end.finalContent),
    usage: end.usage,
    durationMs: BigInt(Date.now() - started),
    invocationId,
  });
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
