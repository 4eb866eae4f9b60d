// The tools of the agent's prompt: what the model is offered (the prompt's `tools`, described by
// their ToolRegistry handler or else the pack's `tools` map) and where a call goes (the handler's
// adapter, chosen by handler type).
import type { PackContent, PackPrompt } from "../../shared/manifests/pack-content.js";
import type { ToolHandler, ToolHandlerType } from "../../shared/manifests/tool-registry.js";
import type { ModelToolCall, ModelToolSpec } from "../providers/language-model.js";
import { TurnError } from "../turn-error.js";
import type { ToolAdapter, ToolContext, ToolOutcome } from "./tool-adapter.js";

export interface ToolManagerOptions {
  prompt: PackPrompt;
  pack: PackContent;
  handlers: readonly ToolHandler[];
  adapters: Partial<Record<ToolHandlerType, ToolAdapter>>;
}

const EMPTY_OBJECT_SCHEMA = { type: "object", properties: {} };

export class ToolManager {
  /** What the model is offered, in the prompt's order. */
  readonly specs: readonly ModelToolSpec[];
  /** Problems worth a line in the start-up log (the runtime still starts). */
  readonly warnings: readonly string[];
  private readonly offered: ReadonlySet<string>;
  private readonly blocked: ReadonlySet<string>;
  private readonly handlers: ReadonlyMap<string, ToolHandler>;
  private readonly adapters: Partial<Record<ToolHandlerType, ToolAdapter>>;

  constructor(options: ToolManagerOptions) {
    this.adapters = options.adapters;
    // A handler serves the tool it describes; handlers that discover their tools (mcp, openapi)
    // are keyed by handler name until discovery exists.
    this.handlers = new Map(options.handlers.map((handler) => [handler.tool?.name ?? handler.name, handler]));
    this.blocked = new Set(options.prompt.tool_policy?.blocklist ?? []);
    const warnings: string[] = [];
    const specs: ModelToolSpec[] = [];
    for (const name of new Set(options.prompt.tools ?? [])) {
      if (this.blocked.has(name)) continue;
      const spec = this.describe(name, options.pack);
      if (!spec) warnings.push(`tool "${name}" has no description in the ToolRegistry or the pack; offered without one`);
      if (!this.handlers.has(name)) warnings.push(`tool "${name}" has no ToolRegistry handler; calling it will fail the turn`);
      specs.push(spec ?? { name, description: "", inputSchema: EMPTY_OBJECT_SCHEMA });
    }
    this.specs = specs;
    this.offered = new Set(specs.map((spec) => spec.name));
    this.warnings = warnings;
  }

  /** Runs one call. Throws TurnError TOOL_FAILED when the call cannot be routed to an adapter. */
  async execute(call: ModelToolCall, ctx: ToolContext): Promise<ToolOutcome> {
    if (this.blocked.has(call.name)) {
      throw new TurnError("TOOL_FAILED", `tool "${call.name}" is blocked by the prompt's tool_policy`);
    }
    if (!this.offered.has(call.name)) {
      throw new TurnError("TOOL_FAILED", `tool "${call.name}" is not one of the prompt's tools`);
    }
    const handler = this.handlers.get(call.name);
    if (!handler) {
      throw new TurnError("TOOL_FAILED", `tool "${call.name}" has no handler in the agent's ToolRegistry`);
    }
    const adapter = this.adapters[handler.type];
    if (!adapter) {
      throw new TurnError("TOOL_FAILED", `tool "${call.name}" uses a ${handler.type} handler, which this runtime cannot run yet`);
    }
    return adapter.execute({ ...call, handler }, ctx);
  }

  private describe(name: string, pack: PackContent): ModelToolSpec | undefined {
    const fromRegistry = this.handlers.get(name)?.tool;
    if (fromRegistry) return { name, description: fromRegistry.description, inputSchema: fromRegistry.inputSchema };
    const fromPack = pack.tools?.[name];
    if (fromPack) return { name, description: fromPack.description, inputSchema: fromPack.parameters ?? EMPTY_OBJECT_SCHEMA };
    return undefined;
  }
}
