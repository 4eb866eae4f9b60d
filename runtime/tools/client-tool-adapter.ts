// Client-side tools run in the user's app: the call goes to the client over the turn's channel
// with the handler's consent message, and the client's answer or rejection comes back as the result.
import { TurnError } from "../turn-error.js";
import type { ToolAdapter, ToolContext, ToolInvocation, ToolOutcome } from "./tool-adapter.js";

export class ClientToolAdapter implements ToolAdapter {
  async execute(call: ToolInvocation, ctx: ToolContext): Promise<ToolOutcome> {
    if (!ctx.clientTools) {
      throw new TurnError("TOOL_FAILED", `tool "${call.name}" runs on the client, and no client is attached to this call (function mode)`);
    }
    const answer = await ctx.clientTools.call({
      id: call.id,
      name: call.name,
      argumentsJson: call.argumentsJson,
      consentMessage: call.handler.clientConfig?.consentMessage ?? "",
      categories: call.handler.clientConfig?.categories ?? [],
    });
    if (answer.rejected) return { ok: false, error: answer.reason };
    return { ok: true, resultJson: asJson(answer.resultJson) };
  }
}

// Clients are third-party code: a bare text answer is kept as a JSON string, so the model always gets JSON.
function asJson(text: string): string {
  if (text.trim() === "") return "null";
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}
