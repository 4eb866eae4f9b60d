// ConverseTurn and SendTurnInput: Converse for callers over gRPC-web, which carries no client
// stream. ConverseTurn's request is the turn's message and its response the turn; what Converse
// would carry next (client tool results, `cancel`, the half-close that says the caller finished)
// arrives as SendTurnInput calls naming the turn by the x-omnia-request-id ConverseTurn was
// started with. The turn itself is the same TurnSession as on grpc-js; a ConverseTurn request
// that aborts (the caller's fetch cancelled, its connection lost) is Converse's cancelled call.
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import {
  TurnInputAckSchema,
  type ClientMessage,
  type ServerMessage,
  type TurnInput,
  type TurnInputAck,
} from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { callIdentity } from "../grpc/call-identity.js";
import { TurnSession, type TurnSessionOptions } from "../grpc/turn-session.js";
import { ConverseTurnStream } from "./converse-turn-stream.js";

export interface ConverseTurnOptions extends TurnSessionOptions {
  heartbeatMs: number;
  /** Every call presented the bridge token: the x-omnia-* user is the edge facade's word. */
  trustIdentityHeaders: boolean;
}

export function converseTurnHandlers(options: ConverseTurnOptions) {
  /** The turns whose ConverseTurn stream is open, by turn id. */
  const running = new Map<string, TurnSession>();

  async function* converseTurn(request: ClientMessage, context: HandlerContext): AsyncGenerator<ServerMessage> {
    const identity = callIdentity(context.requestHeader, options.trustIdentityHeaders);
    const turnId = identity.requestId;
    if (!turnId) throw new ConnectError("the x-omnia-request-id header is required: it names the turn for SendTurnInput", Code.InvalidArgument);
    if (running.has(turnId)) throw new ConnectError(`a turn with x-omnia-request-id ${turnId} is already running`, Code.AlreadyExists);
    const stream = new ConverseTurnStream(options.heartbeatMs);
    const session = new TurnSession(options, identity, stream);
    running.set(turnId, session);
    const cut = () => {
      session.callBroken();
      stream.abandon();
    };
    context.signal.addEventListener("abort", cut);
    try {
      session.start(request);
      if (context.signal.aborted) cut();
      yield* stream.messages();
    } finally {
      // Here before Connect aborts the signal of a call that ended well, which is no cut.
      context.signal.removeEventListener("abort", cut);
      // Connect stopped pulling before the session ended the call: the response could not be written.
      if (!stream.closed) cut();
      if (running.get(turnId) === session) running.delete(turnId);
    }
  }

  function sendTurnInput(input: TurnInput, context: HandlerContext): TurnInputAck {
    const turnId = input.turnId || callIdentity(context.requestHeader, false).requestId;
    if (!turnId) throw new ConnectError("turn_id is required (the x-omnia-request-id the turn was started with)", Code.InvalidArgument);
    const session = running.get(turnId);
    if (!session) return create(TurnInputAckSchema, { delivered: false, detail: "no turn with this id runs on this runtime (it ended, or never started here)" });
    let detail = "";
    if (input.cancel) session.cancel();
    if (input.clientToolResult && !session.deliverToolResult(input.clientToolResult)) {
      detail = `no client tool call ${input.clientToolResult.callId} is pending: the result was ignored`;
    }
    // A caller that cancelled wants nothing more either: the stream ends with the turn.
    if (input.finished || input.cancel) session.callerFinished();
    return create(TurnInputAckSchema, { delivered: true, detail });
  }

  return { converseTurn, sendTurnInput };
}
