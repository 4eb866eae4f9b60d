// RuntimeClient over gRPC-web (fetch) to the runtime's bridge port: the edge placement, where
// Workers cannot speak HTTP/2 gRPC. Web-standard only (fetch, AbortController, Headers), so it runs
// in workerd and in Node. A turn is a ConverseTurn server stream; what a Converse stream would
// carry next (client tool results, finished, cancel) goes as SendTurnInput calls naming the turn.
// Connect and protobuf types stay in this file; the core sees only RuntimeEvent values.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { ClientToolResultSchema, ResumeState, RuntimeService, TurnInputSchema, type ServerMessage, type TurnInput } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import type { Logger } from "../core/logger.js";
import { callContextHeaders, toClientMessage, toRuntimeEvent } from "../core/runtime-messages.js";
import {
  RuntimeUnavailableError,
  type CallContext,
  type ConversationState,
  type RuntimeClient,
  type RuntimeEvent,
  type ToolResultToRuntime,
  type TurnListener,
  type TurnRequest,
  type TurnStream,
} from "../core/runtime-port.js";

export interface GrpcWebRuntimeClientOptions {
  /** The runtime's gRPC-web base URL (its bridge port). */
  baseUrl: string;
  /** The AgentRuntime's bridge token; none only for a runtime whose port runs open on loopback. */
  token?: string | undefined;
  /** The fetch to use (default: the global one); always called with `redirect: "manual"`, as workerd has no "error". */
  fetch?: typeof globalThis.fetch;
  /** Where a turn input that could not be delivered is reported. */
  logger?: Logger;
}

type RuntimeServiceClient = Client<typeof RuntimeService>;

const UNARY_DEADLINE_MS = 5_000;
// A SendTurnInput that fails, or arrives before its turn's ConverseTurn, is tried again: a lost
// `cancel` would let the runtime store a turn the client hung up on, a lost tool result would hold
// the turn until the client tool timeout.
const INPUT_ATTEMPTS = 3;
const INPUT_RETRY_MS = 250;
// Errors that another attempt cannot mend.
const FINAL_CODES = new Set([Code.InvalidArgument, Code.Unauthenticated, Code.PermissionDenied, Code.Unimplemented]);

export class GrpcWebRuntimeClient implements RuntimeClient {
  private readonly client: RuntimeServiceClient;

  constructor(private readonly options: GrpcWebRuntimeClientOptions) {
    const base = options.fetch ?? ((input, init) => fetch(input, init));
    const interceptors: Interceptor[] = [];
    const { token } = options;
    if (token) {
      interceptors.push((next) => (request) => {
        request.header.set("authorization", `Bearer ${token}`);
        return next(request);
      });
    }
    const transport = createGrpcWebTransport({
      baseUrl: options.baseUrl,
      fetch: (input, init) => base(input, { ...init, redirect: "manual" }),
      interceptors,
    });
    this.client = createClient(RuntimeService, transport);
  }

  converse(request: TurnRequest): TurnStream {
    return new GrpcWebTurnStream(this.client, request, this.options.logger);
  }

  async hasConversation(sessionId: string, context: CallContext): Promise<ConversationState> {
    try {
      const response = await this.client.hasConversation({ sessionId }, { headers: callContextHeaders(context), timeoutMs: UNARY_DEADLINE_MS });
      if (response.state === ResumeState.RESUMABLE) return "resumable";
      if (response.state === ResumeState.NOT_FOUND) return "not_found";
      return "unavailable";
    } catch {
      return "unavailable";
    }
  }

  async health(): Promise<{ healthy: boolean; status: string }> {
    try {
      const response = await this.client.health({}, { timeoutMs: UNARY_DEADLINE_MS });
      return { healthy: response.healthy, status: response.status };
    } catch (err) {
      return { healthy: false, status: `runtime at ${this.options.baseUrl} unreachable: ${describe(err)}` };
    }
  }

  /** fetch holds no channel to close; turns in flight end through their TurnStreams. */
  close(): void {}
}

class GrpcWebTurnStream implements TurnStream {
  private readonly abort = new AbortController();
  private readonly headers: Record<string, string>;
  private readonly turnId: string;
  private listener: TurnListener | undefined;
  private backlog: RuntimeEvent[] = [];
  /** Set once the stream ended: how, for a listener that comes later. */
  private outcome: { error: RuntimeUnavailableError | undefined } | undefined;
  /** Cancelled or released: the stream's end is ours, not a lost runtime. */
  private letGo = false;
  private finished = false;

  constructor(
    private readonly client: RuntimeServiceClient,
    request: TurnRequest,
    private readonly logger: Logger | undefined,
  ) {
    this.turnId = request.context.requestId;
    this.headers = callContextHeaders(request.context);
    // Read from the start, whenever listen() comes: the call is under way, and its failure must be handled.
    void this.read(client.converseTurn(toClientMessage(request), { headers: this.headers, signal: this.abort.signal }));
  }

  listen(listener: TurnListener): void {
    this.listener = listener;
    const backlog = this.backlog;
    this.backlog = [];
    for (const event of backlog) listener.event(event);
    if (this.outcome) listener.end(this.outcome.error);
  }

  sendToolResult(result: ToolResultToRuntime): void {
    if (this.letGo || this.outcome) return;
    void this.input({
      clientToolResult: { callId: result.callId, resultJson: result.resultJson, isRejected: result.rejected, rejectionReason: result.rejectionReason ?? "" },
    });
  }

  finish(): void {
    if (this.finished || this.letGo || this.outcome) return;
    this.finished = true;
    void this.input({ finished: true });
  }

  cancel(): void {
    if (this.letGo) return;
    this.letGo = true;
    if (this.outcome) return;
    // A stream cut without `cancel` is a facade that died (the runtime would finish and store the
    // turn): the cancel goes first, then the stream is cut in case the runtime did not end it.
    void this.input({ cancel: true }).finally(() => this.abort.abort());
  }

  release(): void {
    this.letGo = true;
    this.abort.abort();
  }

  private async read(responses: AsyncIterable<ServerMessage>): Promise<void> {
    try {
      for await (const message of responses) {
        const event = toRuntimeEvent(message);
        if (event) this.emit(event);
      }
      this.end(undefined);
    } catch (err) {
      this.end(this.letGo ? undefined : new RuntimeUnavailableError(`the agent runtime is unavailable (${describe(err)})`));
    }
  }

  private emit(event: RuntimeEvent): void {
    if (this.listener) this.listener.event(event);
    else this.backlog.push(event);
  }

  private end(error: RuntimeUnavailableError | undefined): void {
    if (this.outcome) return;
    this.outcome = { error };
    this.listener?.end(error);
  }

  /** SendTurnInput, tried again when another attempt may mend it; resolves either way. */
  private async input(init: { clientToolResult?: MessageInitShape<typeof ClientToolResultSchema>; cancel?: true; finished?: true }): Promise<void> {
    const input = create(TurnInputSchema, { ...init, turnId: this.turnId });
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      let final = false;
      try {
        const ack = await this.client.sendTurnInput(input, { headers: this.headers, timeoutMs: UNARY_DEADLINE_MS });
        // Not delivered while this stream is open: its ConverseTurn has not reached the runtime yet.
        if (ack.delivered || this.outcome) return;
        problem = `not delivered: ${ack.detail}`;
      } catch (err) {
        // Once the stream ended, its end told whether the runtime was lost.
        if (this.outcome) return;
        problem = describe(err);
        final = FINAL_CODES.has(ConnectError.from(err).code);
      }
      if (final || attempt >= INPUT_ATTEMPTS) {
        this.logger?.warn({ turn_id: this.turnId, input: inputKind(input), err: problem }, "could not deliver a turn input to the runtime");
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, INPUT_RETRY_MS * attempt));
    }
  }
}

function inputKind(input: TurnInput): string {
  if (input.cancel) return "cancel";
  if (input.finished) return "finished";
  return "client_tool_result";
}

function describe(err: unknown): string {
  const error = ConnectError.from(err);
  return `${Code[error.code]}${error.rawMessage ? `: ${error.rawMessage}` : ""}`;
}
