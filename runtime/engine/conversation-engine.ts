// One user turn: load the session (one store round trip), render the system prompt, read the
// media its parts name (runtime/media/), run the model-tool loop under the prompt's tool_policy
// while streaming text through its validators, append the whole turn (one round trip), and end
// with one `done` or one `error`. An error saves nothing, so the history holds only complete turns.
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { PackContent, PackPrompt } from "../../shared/manifests/pack-content.js";
import type { SessionStore, StoredMessage } from "../../shared/session/session-store.js";
import type { LanguageModel, ModelMessage, ModelUsage } from "../providers/language-model.js";
import { LazyLogger } from "../lazy-logger.js";
import { partsForHistory } from "../media/history-parts.js";
import { ModelMedia } from "../media/model-media.js";
import { AnswerValidators } from "../prompt/answer-validators.js";
import { SystemPrompt } from "../prompt/render-system-prompt.js";
import type { ToolManager } from "../tools/tool-manager.js";
import { ClientToolCalls } from "./client-tool-calls.js";
import { EventQueue } from "./event-queue.js";
import { toModelMessages } from "./model-messages.js";
import { runModelRound } from "./model-round.js";
import { runToolCalls } from "./run-tool-calls.js";
import { ToolPolicy } from "./tool-policy.js";
import { toErrorEvent } from "./turn-failure.js";
import type { Turn, TurnEvent, TurnInput } from "./turn-events.js";
import { addUsage, priceUsage, type Pricing } from "./turn-usage.js";

export interface ConversationEngineOptions {
  store: SessionStore;
  model: LanguageModel;
  prompt: PackPrompt;
  /** The pack's template engine features and fragments; without it every feature is on and there are no fragments. */
  pack?: Pick<PackContent, "template_engine" | "fragments">;
  /** What `env` variable bindings read (the runtime passes process.env); empty when absent. */
  env?: Readonly<Record<string, string | undefined>>;
  tools: ToolManager;
  agent: { name: string; namespace: string };
  pricing: Pricing;
  clientToolTimeoutMs: number;
  logger: Logger;
  /** Reads the media that parts name by storage_ref; without it such a part ends its turn with MEDIA_NOT_ENABLED. */
  media?: ModelMedia;
}

const NO_MEDIA = new ModelMedia({ storage: undefined, downloadUrlTtlMs: 0 });

export class ConversationEngine {
  private readonly systemPrompt: SystemPrompt;
  private readonly validators: AnswerValidators;
  private readonly policy: ToolPolicy;

  /** Throws TemplateError or PromptConfigError, naming the prompt, when the prompt cannot be run. */
  constructor(private readonly options: ConversationEngineOptions) {
    const { prompt, pack, model, logger } = options;
    this.systemPrompt = new SystemPrompt({ prompt, model: model.model, ...(pack ? { pack } : {}) });
    this.validators = new AnswerValidators(prompt.id, prompt.validators);
    this.policy = new ToolPolicy(prompt.tool_policy);
    for (const warning of this.validators.warnings) logger.warn({ prompt: prompt.id }, warning);
    if (this.systemPrompt.overrideKey !== undefined) logger.info({ prompt: prompt.id, model_override: this.systemPrompt.overrideKey }, "prompt model override applies");
  }

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
    const { store, model, tools, agent, pricing } = this.options;
    const persist = input.mode !== "function";
    const metadata = input.metadata ?? {};
    const media = this.options.media ?? NO_MEDIA;
    // First, so a message with a missing or invalid variable, or unusable media, costs no store round trip.
    media.checkTurnParts(input.sessionId, input.parts ?? []);
    const system = this.systemPrompt.render({
      metadata,
      session: { session_id: input.sessionId, user_id: input.userId, workspace: input.workspace, agent_name: agent.name, namespace: agent.namespace },
      env: this.options.env ?? {},
    });

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

    const userMessage = message("user", input.content, Object.keys(metadata).length > 0 ? { metadata } : {});
    const modelMessages: ModelMessage[] = await media.resolve(
      toModelMessages([...history, { ...userMessage, ...(input.parts?.length ? { parts: input.parts } : {}) }]),
      { sessionId: input.sessionId, asUrls: model.acceptsMediaUrls === true, turnStart: history.length, log },
    );
    signal.throwIfAborted();
    // The history keeps media references only: the bytes stay in the media store.
    const turnMessages: StoredMessage[] = [{ ...userMessage, ...(input.parts?.length ? { parts: partsForHistory(input.parts) } : {}) }];
    let usage: ModelUsage = { inputTokens: 0, outputTokens: 0 };
    let toolCallCount = 0;

    for (let round = 0; ; round++) {
      const toolChoice = this.policy.toolChoiceFor(round);
      const settings = this.systemPrompt.settings;
      const check = this.validators.empty
        ? undefined
        : this.validators.startAnswer((violation) => log.warn({ validator: violation.type, reason: violation.reason, model_call: round }, "answer violates a validator (not enforced)"));
      const result = await runModelRound(
        model,
        {
          system,
          messages: modelMessages,
          tools: [...tools.specs],
          metadata,
          turnIndex: round,
          signal,
          ...(toolChoice ? { toolChoice } : {}),
          ...(settings ? { settings } : {}),
        },
        emit,
        check,
      );
      usage = addUsage(usage, result.usage);
      signal.throwIfAborted();

      if (result.toolCalls.length === 0) {
        turnMessages.push(message("assistant", result.text));
        if (persist) await store.appendTurn(input.sessionId, turnMessages);
        return { type: "done", finalContent: result.text, usage: priceUsage(usage, pricing) };
      }

      this.policy.admit(round, result.toolCalls, toolCallCount);
      toolCallCount += result.toolCalls.length;

      const request = message("assistant", result.text, { toolCalls: result.toolCalls });
      turnMessages.push(request);
      modelMessages.push({ role: "assistant", content: result.text, toolCalls: result.toolCalls });
      const results = await runToolCalls(tools, result.toolCalls, { sessionId: input.sessionId, signal, ...(clientTools ? { clientTools } : {}) }, log);
      signal.throwIfAborted();
      for (const { call, content } of results) {
        turnMessages.push(message("tool", content, { toolCallId: call.id, metadata: { tool_name: call.name } }));
        modelMessages.push({ role: "tool", toolCallId: call.id, toolName: call.name, content });
      }
    }
  }
}

function message(role: StoredMessage["role"], content: string, extra: Partial<StoredMessage> = {}): StoredMessage {
  return { id: randomUUID(), role, content, timestamp: new Date().toISOString(), ...extra };
}
