// Converse: one stream per user turn. The first ClientMessage starts the turn; later ones carry
// client tool results for its pending calls. The stream ends right after the turn's Done or Error.
import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { ClientMessage, ContentPart, ServerMessage } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import type { StoredPart } from "../../shared/session/session-store.js";
import type { ConversationEngine } from "../engine/conversation-engine.js";
import type { Turn } from "../engine/turn-events.js";
import { LazyLogger } from "../lazy-logger.js";
import { callIdentity, identityLogFields } from "./call-identity.js";
import { errorMessage, toServerMessage } from "./to-server-message.js";

type ConverseCall = ServerDuplexStream<ClientMessage, ServerMessage>;

export function converseHandler(engine: ConversationEngine, logger: Logger) {
  return (call: ConverseCall): void => {
    const identity = callIdentity(call.metadata);
    let log = new LazyLogger(logger, identityLogFields(identity));
    const abort = new AbortController();
    let turn: Turn | undefined;
    let started = false;
    let ended = false;
    const end = () => {
      ended = true;
      if (!call.cancelled) call.end();
    };

    // grpc-js also reports a stream closed after our status as cancelled when the caller had not
    // half-closed yet (the facade keeps its side open); only a turn still running is affected.
    call.on("cancelled", () => {
      if (ended) return;
      log.info("converse cancelled by the caller");
      abort.abort(new Error("the caller cancelled the call"));
    });
    call.on("error", (err) => log.warn({ err }, "converse stream error"));

    call.on("data", (message: ClientMessage) => {
      if (!started) {
        started = true;
        const problem = firstMessageProblem(message);
        if (problem) {
          log.info({ reason: problem }, "converse rejected");
          void finish(call, [errorMessage("INVALID_MESSAGE", problem)], end);
          return;
        }
        log = log.child({ session_id: message.sessionId });
        turn = engine.startTurn({
          sessionId: message.sessionId,
          content: message.content || textOf(message.parts),
          parts: message.parts.map(toStoredPart),
          metadata: { ...message.metadata },
          ...(identity.workspace ? { workspace: identity.workspace } : {}),
          mode: "conversation",
          signal: abort.signal,
        });
        void pump(call, turn, log, end);
        return;
      }
      const result = message.clientToolResult;
      if (!result) {
        log.info("ignored a ClientMessage without client_tool_result after the turn started");
        return;
      }
      const delivered = turn?.deliverToolResult(
        result.callId,
        result.isRejected ? { rejected: true, reason: result.rejectionReason || "rejected by the client" } : { rejected: false, resultJson: result.resultJson },
      );
      if (!delivered) log.info({ call_id: result.callId }, "ignored a client tool result for no pending call");
    });

    call.on("end", () => {
      // The caller half-closed without ever sending the turn's message.
      if (!started) {
        started = true;
        void finish(call, [errorMessage("INVALID_MESSAGE", "the stream ended before a message was sent")], end);
      }
    });
  };
}

function firstMessageProblem(message: ClientMessage): string | undefined {
  if (message.clientToolResult) return "the first message of a turn must be the user message, not a client tool result";
  if (message.sessionId === "") return "session_id is required";
  if (message.content === "" && message.parts.length === 0) return "the message has neither content nor parts";
  return undefined;
}

async function pump(call: ConverseCall, turn: Turn, log: LazyLogger, end: () => void): Promise<void> {
  try {
    for await (const event of turn) {
      if (call.cancelled) continue;
      const drained = write(call, toServerMessage(event));
      if (drained) await drained;
    }
  } catch (err) {
    log.error({ err }, "converse stream failed");
  }
  end();
}

async function finish(call: ConverseCall, messages: ServerMessage[], end: () => void): Promise<void> {
  for (const message of messages) await write(call, message);
  end();
}

// Respect the stream's backpressure so a slow caller does not make the runtime buffer a whole answer.
// Returns a promise only when the stream asks to wait: this runs once per streamed word, and awaiting
// an already resolved promise would still cost an allocation and a trip through the microtask queue.
function write(call: ConverseCall, message: ServerMessage): Promise<void> | undefined {
  if (call.cancelled || call.writableEnded) return undefined;
  if (call.write(message)) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      call.off("drain", done);
      call.off("cancelled", done);
      resolve();
    };
    call.once("drain", done);
    call.once("cancelled", done);
  });
}

function textOf(parts: readonly ContentPart[]): string {
  return parts
    .filter((part) => part.type === "text")
    .map((part) => part.text)
    .join("\n");
}

function toStoredPart(part: ContentPart): StoredPart {
  const stored: StoredPart = { type: part.type };
  if (part.text) stored.text = part.text;
  if (part.media) {
    const { data, url, mimeType, storageRef } = part.media;
    stored.media = {
      ...(data ? { data } : {}),
      ...(url ? { url } : {}),
      ...(mimeType ? { mimeType } : {}),
      ...(storageRef ? { storageRef } : {}),
    };
  }
  return stored;
}
