// A ToolManager as the runtime builds it (real adapters, discovery at start) for a prompt offering
// `tools`, plus a call helper that runs one tool call the way the engine does.
import type { PackContent } from "../../../shared/manifests/pack-content.js";
import { ToolHandlerSchema, type ToolHandler, type ToolHandlerInput } from "../../../shared/manifests/tool-registry.js";
import * as v from "valibot";
import { createToolAdapters } from "../../../runtime/tools/create-tool-adapters.js";
import type { ToolOutcome } from "../../../runtime/tools/tool-adapter.js";
import { ToolManager } from "../../../runtime/tools/tool-manager.js";

const PACK: PackContent = { id: "p", name: "P", version: "1.0.0", template_engine: { version: "v1", syntax: "{{variable}}" }, prompts: {} };

/** A handler as tools.yaml would carry it, defaults applied. */
export function handler(input: ToolHandlerInput): ToolHandler {
  return v.parse(ToolHandlerSchema, input);
}

export interface ToolHarness {
  manager: ToolManager;
  call(name: string, args: unknown, signal?: AbortSignal): Promise<ToolOutcome>;
}

export async function toolManagerFor(tools: string[], handlers: ToolHandlerInput[], options: { secretsDir?: string } = {}): Promise<ToolHarness> {
  const manager = await ToolManager.start({
    prompt: { id: "a", name: "A", version: "1.0.0", system_template: "x", tools },
    pack: PACK,
    handlers: handlers.map(handler),
    ...createToolAdapters(options),
  });
  let seq = 0;
  return {
    manager,
    call: (name, args, signal = new AbortController().signal) =>
      manager.execute({ id: `call-${++seq}`, name, argumentsJson: typeof args === "string" ? args : JSON.stringify(args) }, { sessionId: "s-1", signal }),
  };
}

export function resultOf(outcome: ToolOutcome): unknown {
  if (!outcome.ok) throw new Error(`expected a result, got the tool error: ${outcome.error}`);
  return JSON.parse(outcome.resultJson) as unknown;
}
