// One user turn: load the session (one store round trip), render the system prompt, run the
// model-tool loop while streaming text, append the whole turn (one round trip), and end with one
// `done` or one `error`. An error saves nothing, so the history holds only complete turns.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { PackPrompt } from "../../shared/manifests/pack-content.js";
import type { SessionStore, StoredMessage } from "../../shared/session/session-store.js";
import type { LanguageModel, ModelMessage, ModelUsage } from "../providers/language-model.js";
import { LazyLogger } from "../lazy-logger.js";
import { renderSystemPrompt } from "../prompt/render-system-prompt.js";
import type { ToolManager } from "../tools/tool-manager.js";
import { TurnError } from "../turn-error.js";
import { ClientToolCalls } from "./client-tool-calls.js";
import { EventQueue } from "./event-queue.js";
import { toModelMessages } from "./model-messages.js";
import { runModelRound } from "./model-round.js";
import { toErrorEvent } from "./turn-failure.js";
import type { Turn, TurnEvent, TurnInput } from "./turn-events.js";
import { addUsage, priceUsage, type Pricing } from "./turn-usage.js";

export interface ConversationEngineOptions {
  store: SessionStore;
  model: LanguageModel;
  prompt: PackPrompt;
  tools: ToolManager;
  agent: { name: string; namespace: string };
  pricing: Pricing;
  clientToolTimeoutMs: number;
  logger: Logger;
}

// The PromptPack schema's defaults for tool_policy.
const DEFAULT_MAX_ROUNDS = 5;
const DEFAULT_MAX_TOOL_CALLS = 10;

export class ConversationEngine {
  constructor(private readonly options: ConversationEngineOptions) {}

  startTurn(input: TurnInput): Turn {
    const turnId = randomUUID();
    const abort = new AbortController();
    const onCallerAbort = () => abort.abort(input.signal?.reason);
    if (input.signal?.aborted) abort.abort(input.signal.reason);
    input.signal?.addEventListener("abort", onCallerAbort, { once: true });

    // A consumer that stops listening has gone away: stop the model rather than talk to no one.
    const events = new EventQueue<TurnEvent>(() => abort.abort(new Error("turn consumer stopped")));
    const emit = (event: TurnEvent) => events.push(event);
    const clientTools = input.mode === "function" ? undefined : new ClientToolCalls(emit, this.options.clientToolTimeoutMs, abort.signal);
    const log = new LazyLogger(this.options.logger, { session_id: input.sessionId, turn_id: turnId });

    void this.run(input, emit, abort.signal, clientTools, log).finally(() => {
      input.signal?.removeEventListener("abort", onCallerAbort);
      events.close();
    });

    return {
      turnId,
      deliverToolResult: (callId, answer) => clientTools?.deliver(callId, answer) ?? false,
      detachClient: (reason) => clientTools?.detach(reason),
      [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
    };
  }

  private async run(
    input: TurnInput,
    emit: (event: TurnEvent) => void,
    signal: AbortSignal,
    clientTools: ClientToolCalls | undefined,
    log: LazyLogger,
  ): Promise<void> {
    const started = Date.now();
    try {
      const done = await this.converse(input, emit, signal, clientTools, log);
      emit(done);
      log.info({ usage: done.usage, duration_ms: Date.now() - started }, "turn completed");
    } catch (err) {
      const { event, expected } = toErrorEvent(err, signal.aborted);
      emit(event);
      if (expected) log.info({ code: event.code, reason: event.message, duration_ms: Date.now() - started }, "turn ended with error");
      else log.error({ err, code: event.code, duration_ms: Date.now() - started }, "turn failed");
    }
  }

  private async converse(
    input: TurnInput,
    emit: (event: TurnEvent) => void,
    signal: AbortSignal,
    clientTools: ClientToolCalls | undefined,
    log: LazyLogger,
  ): Promise<Extract<TurnEvent, { type: "done" }>> {
    const { store, model, prompt, tools, agent, pricing } = this.options;
    const persist = input.mode !== "function";
    const metadata = input.metadata ?? {};

    const history = persist
      ? (
          await store.loadConversation({
            id: input.sessionId,
            agentName: agent.name,
            namespace: agent.namespace,
            ...(input.workspace ? { workspace: input.workspace } : {}),
          })
        ).conversation.messages
      : [];
    signal.throwIfAborted();
    const system = renderSystemPrompt(prompt, metadata);

    const turnMessages: StoredMessage[] = [
      message("user", input.content, {
        ...(input.parts?.length ? { parts: input.parts } : {}),
        ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
      }),
    ];
    const modelMessages: ModelMessage[] = toModelMessages([...history, ...turnMessages]);
    const maxRounds = prompt.tool_policy?.max_rounds ?? DEFAULT_MAX_ROUNDS;
    const maxToolCalls = prompt.tool_policy?.max_tool_calls_per_turn ?? DEFAULT_MAX_TOOL_CALLS;
    let usage: ModelUsage = { inputTokens: 0, outputTokens: 0 };
    let toolCallCount = 0;

    for (let round = 0; ; round++) {
      const result = await runModelRound(
        model,
        { system, messages: modelMessages, tools: [...tools.specs], metadata, turnIndex: round, signal },
        emit,
      );
      usage = addUsage(usage, result.usage);
      signal.throwIfAborted();

      if (result.toolCalls.length === 0) {
        turnMessages.push(message("assistant", result.text));
        if (persist) await store.appendTurn(input.sessionId, turnMessages);
        return { type: "done", finalContent: result.text, usage: priceUsage(usage, pricing) };
      }

      if (round >= maxRounds) {
        throw new TurnError("TOOL_FAILED", `the model still asked for tools after ${maxRounds} tool rounds (tool_policy.max_rounds); the turn was stopped`);
      }
      toolCallCount += result.toolCalls.length;
      if (toolCallCount > maxToolCalls) {
        throw new TurnError("TOOL_FAILED", `the model asked for more than ${maxToolCalls} tool calls in one turn (tool_policy.max_tool_calls_per_turn)`);
      }

      const request = message("assistant", result.text, { toolCalls: result.toolCalls });
      turnMessages.push(request);
      modelMessages.push({ role: "assistant", content: result.text, toolCalls: result.toolCalls });
      for (const call of result.toolCalls) {
        log.info({ tool: call.name, call_id: call.id }, "tool call");
        const outcome = await tools.execute(call, { sessionId: input.sessionId, signal, ...(clientTools ? { clientTools } : {}) });
        signal.throwIfAborted();
        const content = outcome.ok ? outcome.resultJson : JSON.stringify({ error: outcome.error });
        if (!outcome.ok) log.info({ tool: call.name, call_id: call.id, reason: outcome.error }, "tool call rejected");
        turnMessages.push(message("tool", content, { toolCallId: call.id, metadata: { tool_name: call.name } }));
        modelMessages.push({ role: "tool", toolCallId: call.id, toolName: call.name, content });
      }
    }
  }
}

function message(role: StoredMessage["role"], content: string, extra: Partial<StoredMessage> = {}): StoredMessage {
  return { id: randomUUID(), role, content, timestamp: new Date().toISOString(), ...extra };
}
