// The tool calls of one model step, run concurrently. Each outcome becomes the content of a tool
// message, in the order the model made the calls; a tool error is content for the model, while a
// call that cannot run at all (TurnError) stops the others and ends the turn.
import type { ModelToolCall } from "../providers/language-model.js";
import type { ToolManager } from "../tools/tool-manager.js";
import type { ToolContext } from "../tools/tool-adapter.js";
import type { LazyLogger } from "../lazy-logger.js";

export interface ToolCallResult {
  call: ModelToolCall;
  content: string;
}

export async function runToolCalls(
  tools: Pick<ToolManager, "execute">,
  calls: readonly ModelToolCall[],
  ctx: ToolContext,
  log: LazyLogger,
): Promise<ToolCallResult[]> {
  const step = new AbortController();
  const signal = AbortSignal.any([ctx.signal, step.signal]);
  try {
    return await Promise.all(
      calls.map(async (call): Promise<ToolCallResult> => {
        log.info({ tool: call.name, call_id: call.id }, "tool call");
        const outcome = await tools.execute(call, { ...ctx, signal });
        if (outcome.ok) return { call, content: outcome.resultJson };
        log.info({ tool: call.name, call_id: call.id, reason: outcome.error }, "tool call rejected");
        return { call, content: JSON.stringify({ error: outcome.error }) };
      }),
    );
  } catch (err) {
    step.abort(err);
    throw err;
  }
}
