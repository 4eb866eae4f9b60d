// Runs one turn: forwards the runtime's events to the client as turn frames (each with the next
// seq of the session and the turn_id) and guarantees the turn ends with exactly one done or error.
import { toErrorCode, type ErrorCode } from "../../shared/protocol/error-codes.js";
import { ClientToolCalls } from "./client-tool-calls.js";
import type { FacadeLimits } from "./facade-options.js";
import type { FrameWriter } from "./frame-writer.js";
import type { Logger } from "./logger.js";
import type { RuntimeEvent, RuntimeUnavailableError, TurnStream } from "./runtime-port.js";
import type { SequenceCounter } from "./session-sequences.js";

export class TurnRunner {
  readonly toolCalls: ClientToolCalls;
  private ended = false;
  private finished: () => void = () => {};

  constructor(
    readonly sessionId: string,
    readonly turnId: string,
    private readonly stream: TurnStream,
    private readonly out: FrameWriter,
    private readonly seq: SequenceCounter,
    limits: FacadeLimits,
    private readonly logger: Logger,
  ) {
    this.toolCalls = new ClientToolCalls(limits.clientToolAckTimeoutMs, limits.clientToolTimeoutMs, (result) =>
      stream.sendToolResult(result),
    );
  }

  /** Resolves as soon as the turn has ended (its done or error is out); never rejects. */
  run(): Promise<void> {
    return new Promise((resolve) => {
      this.finished = () => {
        this.toolCalls.clear();
        resolve();
      };
      this.stream.listen({
        event: (event) => {
          if (!this.ended) this.forward(event);
        },
        end: (error?: RuntimeUnavailableError) => {
          if (this.ended) return;
          const message = error ? error.message : "the agent runtime ended the turn without a result";
          this.logger.warn({ session_id: this.sessionId, turn_id: this.turnId, reason: message }, "turn lost its runtime");
          this.fail("AGENT_UNAVAILABLE", message);
        },
      });
    });
  }

  /** The client hung up: stop the runtime's work on this turn. */
  cancel(): void {
    if (!this.ended) {
      this.ended = true;
      this.finished();
    }
    this.stream.cancel();
  }

  /** The socket is gone: the runtime finishes the turn (and stores it), but nothing waits on the client. */
  clientGone(): void {
    this.toolCalls.rejectAll("the client disconnected");
  }

  private forward(event: RuntimeEvent): void {
    switch (event.type) {
      case "chunk":
        this.out.chunk(this.sessionId, event.content, ++this.seq.last, this.turnId);
        return;
      case "tool_call": {
        if (!event.client) return; // server-side calls are the runtime's business
        if (!this.out.attached) {
          // Nobody can run it: reject at once rather than wait for the timeouts.
          this.stream.sendToolResult({ callId: event.id, resultJson: "", rejected: true, rejectionReason: "the client disconnected" });
          return;
        }
        this.toolCalls.register(event.id);
        const toolCall: Record<string, unknown> = { id: event.id, name: event.name, arguments: parseArguments(event.argumentsJson) };
        if (event.consentMessage) toolCall.consent_message = event.consentMessage;
        if (event.categories && event.categories.length > 0) toolCall.categories = event.categories;
        this.sendTurnFrame("tool_call", { tool_call: toolCall });
        return;
      }
      case "done": {
        const body: Record<string, unknown> = { content: event.content };
        if (event.parts.length > 0) body.parts = event.parts;
        if (event.usage) {
          body.usage = {
            input_tokens: event.usage.inputTokens,
            output_tokens: event.usage.outputTokens,
            cost_usd: event.usage.costUsd,
          };
        }
        this.end("done", body);
        return;
      }
      case "error":
        this.fail(toErrorCode(event.code), event.message);
        return;
    }
  }

  private fail(code: ErrorCode, message: string): void {
    this.end("error", { error: { code, message } });
  }

  private end(type: "done" | "error", body: Record<string, unknown>): void {
    this.ended = true;
    this.sendTurnFrame(type, body);
    this.finished();
  }

  private sendTurnFrame(type: string, body: Record<string, unknown>): void {
    body.seq = ++this.seq.last;
    body.turn_id = this.turnId;
    this.out.send(type, this.sessionId, body);
  }
}

function parseArguments(json: string): Record<string, unknown> {
  if (json.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return { value };
  } catch {
    return { raw: json };
  }
}
