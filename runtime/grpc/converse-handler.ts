// Converse on grpc-js: one stream per user turn. The first ClientMessage starts the turn; later
// ones carry client tool results or `cancel`; the caller's half-close says it has finished (it
// journaled the turn's end), and a call cancelled before that is a facade that died. What each
// means for the turn is the TurnSession's business (turn-session.ts); this maps the call onto it.
import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { ClientMessage, ServerMessage } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { callerIsLocal, callIdentity } from "./call-identity.js";
import { pipelineWrites } from "./pipelined-writes.js";
import { TurnSession, type TurnSessionOptions, type TurnSink } from "./turn-session.js";

type ConverseCall = ServerDuplexStream<ClientMessage, ServerMessage>;

export type ConverseOptions = TurnSessionOptions;

export function converseHandler(options: ConverseOptions) {
  return (call: ConverseCall): void => {
    pipelineWrites(call);
    const session = new TurnSession(options, callIdentity(call.metadata, callerIsLocal(call.getPeer())), callSink(call));

    call.on("cancelled", () => session.callBroken());
    call.on("error", (err) => options.logger.warn({ err }, "converse stream error"));
    call.on("data", (message: ClientMessage) => {
      if (message.cancel) return session.cancel();
      if (!session.started) return session.start(message);
      session.deliverToolResult(message.clientToolResult);
    });
    call.on("end", () => session.callerFinished());
  };
}

function callSink(call: ConverseCall): TurnSink {
  return {
    send: (message) => write(call, message),
    end: () => {
      if (!call.cancelled) call.end();
    },
    get gone() {
      return call.cancelled;
    },
  };
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
