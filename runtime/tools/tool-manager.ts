// The tools of the agent's prompt: what the model is offered (the prompt's `tools`, described by
// the ToolRegistry handler that offers them, by declaration or discovery, else by the pack's
// `tools` map) and where a call goes (the handler's adapter, chosen by handler type). Arguments are
// checked against the tool's input schema first; tool failures and timeouts come back as tool
// errors the model is told about, and only a call that cannot be routed ends the turn.
import { parseDuration } from "../../shared/config/duration.js";
import type { PackContent, PackPrompt } from "../../shared/manifests/pack-content.js";
import type { ToolHandler, ToolHandlerType } from "../../shared/manifests/tool-registry.js";
import type { ModelToolCall, ModelToolSpec } from "../providers/language-model.js";
import { TurnError } from "../turn-error.js";
import { ArgumentValidator } from "./argument-validator.js";
import { discoverTools, type DiscoveryContext } from "./discover-tools.js";
import { parseArguments } from "./parse-arguments.js";
import type { DiscoveredTool, ToolAdapter, ToolContext, ToolOutcome } from "./tool-adapter.js";

export interface ToolManagerOptions {
  prompt: PackPrompt;
  pack: PackContent;
  handlers: readonly ToolHandler[];
  adapters: Partial<Record<ToolHandlerType, ToolAdapter>>;
  /** Tools found by discovery, by handler name (openapi and mcp handlers); see ToolManager.start. */
  discovered?: ReadonlyMap<string, readonly DiscoveredTool[]>;
  /** Problems found before construction (failed discovery), kept with the manager's own warnings. */
  earlierWarnings?: readonly string[];
}

export interface ToolManagerStartOptions extends Omit<ToolManagerOptions, "discovered" | "earlierWarnings"> {
  discovery?: DiscoveryContext;
}

interface Route {
  handler: ToolHandler;
  tool: DiscoveredTool;
}

const EMPTY_OBJECT_SCHEMA = { type: "object", properties: {} };
// Handlers whose tools only discovery can name.
const DISCOVERING: ReadonlySet<ToolHandlerType> = new Set(["openapi", "mcp"]);

export class ToolManager {
  /** What the model is offered, in the prompt's order. */
  readonly specs: readonly ModelToolSpec[];
  /** Problems worth a line in the start-up log (the runtime still starts). */
  readonly warnings: readonly string[];
  private readonly offered: ReadonlyMap<string, ModelToolSpec>;
  private readonly blocked: ReadonlySet<string>;
  private readonly routes: ReadonlyMap<string, Route>;
  private readonly adapters: Partial<Record<ToolHandlerType, ToolAdapter>>;
  private readonly validator = new ArgumentValidator();

  /** Discovers the tools of openapi and mcp handlers (a failure is a warning, not a failed start), then builds the manager. */
  static async start(options: ToolManagerStartOptions): Promise<ToolManager> {
    const { discovery, ...rest } = options;
    const results = await Promise.all(options.handlers.filter((h) => DISCOVERING.has(h.type)).map((h) => discoverTools(h, discovery)));
    const discovered = new Map<string, readonly DiscoveredTool[]>();
    const warnings: string[] = [];
    for (const result of results) {
      if (!result.ok) {
        warnings.push(`handler "${result.handler}": tool discovery failed, its tools are not offered: ${result.error}`);
        continue;
      }
      discovered.set(result.handler, result.tools);
      for (const note of result.notes) warnings.push(`handler "${result.handler}": ${note}`);
    }
    return new ToolManager({ ...rest, discovered, earlierWarnings: warnings });
  }

  constructor(options: ToolManagerOptions) {
    this.adapters = options.adapters;
    const warnings: string[] = [...(options.earlierWarnings ?? [])];
    this.routes = routeTable(options.handlers, options.discovered ?? new Map(), warnings);
    this.blocked = new Set(options.prompt.tool_policy?.blocklist ?? []);
    const specs: ModelToolSpec[] = [];
    for (const name of new Set(options.prompt.tools ?? [])) {
      if (this.blocked.has(name)) continue;
      const spec = this.describe(name, options.pack);
      if (!spec) warnings.push(`tool "${name}" has no description in the ToolRegistry or the pack; offered without one`);
      if (!this.routes.has(name)) warnings.push(`tool "${name}" has no ToolRegistry handler; calling it will fail the turn`);
      const offered = spec ?? { name, description: "", inputSchema: EMPTY_OBJECT_SCHEMA };
      const problem = this.validator.prepare(name, offered.inputSchema);
      if (problem) warnings.push(problem);
      specs.push(offered);
    }
    this.specs = specs;
    this.offered = new Map(specs.map((spec) => [spec.name, spec]));
    this.warnings = warnings;
  }

  /** Runs one call. Throws TurnError TOOL_FAILED when the call cannot be routed to an adapter. */
  async execute(call: ModelToolCall, ctx: ToolContext): Promise<ToolOutcome> {
    if (this.blocked.has(call.name)) {
      throw new TurnError("TOOL_FAILED", `tool "${call.name}" is blocked by the prompt's tool_policy`);
    }
    const spec = this.offered.get(call.name);
    if (!spec) {
      throw new TurnError("TOOL_FAILED", `tool "${call.name}" is not one of the prompt's tools`);
    }
    const route = this.routes.get(call.name);
    if (!route) {
      throw new TurnError("TOOL_FAILED", `tool "${call.name}" has no handler in the agent's ToolRegistry`);
    }
    const { handler } = route;
    const adapter = this.adapters[handler.type];
    if (!adapter) {
      throw new TurnError("TOOL_FAILED", `tool "${call.name}" uses a ${handler.type} handler, which this runtime cannot run yet`);
    }
    const args = parseArguments(call.argumentsJson);
    if (!args.ok) return { ok: false, error: `tool "${call.name}": ${args.error}` };
    const checked = this.validator.check(call.name, spec.inputSchema, args.value);
    if (!checked.ok) return checked;
    // Client tools wait on a person; the engine bounds them with the client tool timeout instead.
    if (handler.type === "client") return adapter.execute({ ...call, handler }, ctx);
    return runWithDeadline(adapter, { ...call, handler }, ctx);
  }

  /** Closes the adapters' connections and child processes; the runtime calls it on stop. */
  async close(): Promise<void> {
    await Promise.all(Object.values(this.adapters).map((adapter) => adapter.close?.()));
  }

  private describe(name: string, pack: PackContent): ModelToolSpec | undefined {
    const fromRegistry = this.routes.get(name)?.tool;
    if (fromRegistry) return { name, description: fromRegistry.description, inputSchema: fromRegistry.inputSchema };
    const fromPack = pack.tools?.[name];
    if (fromPack) return { name, description: fromPack.description, inputSchema: fromPack.parameters ?? EMPTY_OBJECT_SCHEMA };
    return undefined;
  }
}

/** Tool name -> the handler that offers it; the first handler wins a name two of them offer. */
function routeTable(handlers: readonly ToolHandler[], discovered: ReadonlyMap<string, readonly DiscoveredTool[]>, warnings: string[]): Map<string, Route> {
  const routes = new Map<string, Route>();
  for (const handler of handlers) {
    const tools = handler.tool ? [handler.tool] : (discovered.get(handler.name) ?? []);
    for (const tool of tools) {
      const taken = routes.get(tool.name);
      if (taken) {
        warnings.push(`tool "${tool.name}" is offered by handlers "${taken.handler.name}" and "${handler.name}"; "${taken.handler.name}" serves it`);
        continue;
      }
      routes.set(tool.name, { handler, tool });
    }
  }
  return routes;
}

/** Bounds a call by its handler's timeout; a failure or timeout is a tool error, a cancelled turn is not. */
async function runWithDeadline(adapter: ToolAdapter, call: Parameters<ToolAdapter["execute"]>[0], ctx: ToolContext): Promise<ToolOutcome> {
  const deadline = AbortSignal.timeout(parseDuration(call.handler.timeout));
  const signal = AbortSignal.any([ctx.signal, deadline]);
  const timedOut = (): ToolOutcome => ({ ok: false, error: `tool "${call.name}" timed out after ${call.handler.timeout}` });
  try {
    const outcome = await adapter.execute(call, { ...ctx, signal });
    return deadline.aborted && !outcome.ok ? timedOut() : outcome;
  } catch (err) {
    if (ctx.signal.aborted || err instanceof TurnError) throw err;
    if (deadline.aborted) return timedOut();
    return { ok: false, error: `tool "${call.name}" failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
