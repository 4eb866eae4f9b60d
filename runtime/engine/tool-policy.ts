// A prompt's tool_policy over one turn's model-tool loop: what tool_choice each model call gets, and
// the bounds (max_rounds, max_tool_calls_per_turn) that end a turn whose model keeps calling tools.
// The blocklist is the ToolManager's: a blocked tool is never offered and never run.
import type { PackToolPolicy } from "../../shared/manifests/pack-content.js";
import type { ModelRequest, ModelToolCall } from "../providers/language-model.js";
import { TurnError } from "../turn-error.js";

// The PromptPack schema's defaults.
const DEFAULT_MAX_ROUNDS = 5;
const DEFAULT_MAX_TOOL_CALLS = 10;

export class ToolPolicy {
  readonly maxRounds: number;
  readonly maxToolCalls: number;
  private readonly choice: PackToolPolicy["tool_choice"];

  constructor(policy: PackToolPolicy = {}) {
    this.maxRounds = policy.max_rounds ?? DEFAULT_MAX_ROUNDS;
    this.maxToolCalls = policy.max_tool_calls_per_turn ?? DEFAULT_MAX_TOOL_CALLS;
    this.choice = policy.tool_choice;
  }

  /**
   * `required` holds for the turn's first model call only: forced on every call, the model could
   * never answer and each turn would run into max_rounds.
   */
  toolChoiceFor(modelCall: number): ModelRequest["toolChoice"] {
    if (this.choice === "required" && modelCall > 0) return "auto";
    return this.choice;
  }

  /**
   * Checks the tool calls of model call `modelCall` (0-based) before any of them runs, given the
   * calls already run this turn. Throws TurnError TOOL_FAILED naming the bound that stops the turn.
   */
  admit(modelCall: number, calls: readonly ModelToolCall[], callsSoFar: number): void {
    if (this.choice === "none") {
      throw new TurnError("TOOL_FAILED", `the model called ${calls.map((c) => `"${c.name}"`).join(", ")} although the prompt's tool_policy.tool_choice is "none"; the turn was stopped`);
    }
    if (modelCall >= this.maxRounds) {
      throw new TurnError("TOOL_FAILED", `the model still asked for tools after ${this.maxRounds} tool rounds (tool_policy.max_rounds); the turn was stopped`);
    }
    if (callsSoFar + calls.length > this.maxToolCalls) {
      throw new TurnError(
        "TOOL_FAILED",
        `the model asked for ${callsSoFar + calls.length} tool calls in one turn, more than tool_policy.max_tool_calls_per_turn (${this.maxToolCalls}); the turn was stopped`,
      );
    }
  }
}
