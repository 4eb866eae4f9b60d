// Converse: one stream per user turn. The first ClientMessage starts the turn; later ones carry
// client tool results for its pending calls, or `cancel` (the client hung up). After the turn's
// Done or Error the call stays open until the facade half-closes, which it does once it has
// journaled the end: a stream that breaks before that, without `cancel`, is a facade that died,
// and the turn is finished here and journaled for the client to resume (turn-takeover.ts).
import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { ClientMessage, ContentPart, ServerMessage } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import type { StoredPart } from "../../shared/session/session-store.js";
import type { TurnJournal } from "../../shared/journal/turn-journal.js";
import type { ConversationEngine } from "../engine/conversation-engine.js";
import type { Turn, TurnEvent } from "../engine/turn-events.js";
import { LazyLogger } from "../lazy-logger.js";
import { callIdentity, identityLogFields } from "./call-identity.js";
import { errorMessage, toServerMessage } from "./to-server-message.js";
import { TurnTakeover } from "./turn-takeover.js";

type ConverseCall = ServerDuplexStream<ClientMessage, ServerMessage>;

export interface ConverseOptions {
  engine: ConversationEngine;
  logger: Logger;
  /** The facades' journal, shared through Redis; without it an orphaned turn is finished but not journaled. */
  journal?: TurnJournal | undefined;
  /** This runtime as a turn owner in the journal. */
  owner: string;
}

/** How long the call waits, after the turn's end, for the facade to half-close before ending anyway. */
const HALF_CLOSE_WAIT_MS = 10_000;

export function converseHandler({ engine, logger, journal, owner }: ConverseOptions) {
  return (call: ConverseCall): void => {
    const identity = callIdentity(call.metadata);
    let log = new LazyLogger(logger, identityLogFields(identity));
    const abort = new AbortController();
    let turn: Turn | undefined;
    let sessionId = "";
    let started = false;
    // The caller half-closed: it has everything it needs (and journaled the turn's end).
    let callerDone = false;
    let turnWritten = false;
    let statusSent = false;
    let orphaned = false;
    let takeover: TurnTakeover | undefined;
    let halfCloseTimer: ReturnType<typeof setTimeout> | undefined;
    const sent: TurnEvent[] = [];
    const end = () => {
      clearTimeout(halfCloseTimer);
      if (statusSent) return;
      statusSent = true;
      if (!call.cancelled) call.end();
    };
    const turnEnded = () => {
      turnWritten = true;
      if (callerDone || orphaned || call.cancelled) return end();
      halfCloseTimer = setTimeout(end, HALF_CLOSE_WAIT_MS);
    };

    call.on("cancelled", () => {
      if (callerDone || statusSent || orphaned) return;
      if (abort.signal.aborted || !turn) return void abort.abort(new Error("the caller cancelled the call"));
      orphaned = true;
      turn.detachClient("the client's facade went away");
      if (!journal || !identity.requestId) {
        log.info("facade gone mid-turn; finishing the turn without a journal");
        return;
      }
      takeover = new TurnTakeover(journal, owner, sessionId, identity.requestId, sent, log, (reason) => abort.abort(new Error(reason)));
      void takeover.start();
    });
    call.on("error", (err) => log.warn({ err }, "converse stream error"));

    call.on("data", (message: ClientMessage) => {
      if (message.cancel) {
        log.info("turn cancelled: the client hung up");
        abort.abort(new Error("the client hung up"));
        return;
      }
      if (!started) {
        started = true;
        const problem = firstMessageProblem(message);
        if (problem) {
          log.info({ reason: problem }, "converse rejected");
          void finish(call, [errorMessage("INVALID_MESSAGE", problem)], end);
          return;
        }
        sessionId = message.sessionId;
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
        void pump(call, turn, log, (event) => {
          if (journal) sent.push(event);
          if (!orphaned) return true;
          takeover?.catchUp();
          return false;
        }).then(turnEnded);
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
      callerDone = true;
      if (turnWritten) return end();
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

/** Streams the turn's events; `observe` sees each first and says whether it still goes to the caller. */
async function pump(call: ConverseCall, turn: Turn, log: LazyLogger, observe: (event: TurnEvent) => boolean): Promise<void> {
  try {
    for await (const event of turn) {
      if (!observe(event) || call.cancelled) continue;
      const drained = write(call, toServerMessage(event));
      if (drained) await drained;
    }
  } catch (err) {
    log.error({ err }, "converse stream failed");
  }
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
