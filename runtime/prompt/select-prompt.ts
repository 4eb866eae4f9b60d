// Which prompt of a pack the agent runs, in the reference's order: the workflow's entry state's
// prompt, else the agents' entry, else the pack's only prompt, else the configured name.
import type { PackContent, PackPrompt } from "../../shared/manifests/pack-content.js";

export interface SelectedPrompt {
  /** The key of the prompt in the pack's `prompts` map. */
  key: string;
  prompt: PackPrompt;
  /** How it was chosen, for the start-up log. */
  reason: "workflow.entry" | "agents.entry" | "single prompt" | "prompt name";
}

export class PromptSelectionError extends Error {
  override readonly name = "PromptSelectionError";
}

/** Chooses the prompt; throws PromptSelectionError naming what was looked for and what the pack has. */
export function selectPrompt(pack: PackContent, promptName: string): SelectedPrompt {
  const keys = Object.keys(pack.prompts);
  const available = keys.length > 0 ? keys.join(", ") : "(none)";

  if (pack.workflow) {
    const state = pack.workflow.states[pack.workflow.entry];
    const task = promptTaskOf(state);
    if (task === undefined) {
      throw new PromptSelectionError(`workflow.entry "${pack.workflow.entry}" is not a workflow state with a prompt_task`);
    }
    return found(pack, task, "workflow.entry", `workflow state "${pack.workflow.entry}" names prompt_task "${task}"`, available);
  }
  if (pack.agents) {
    return found(pack, pack.agents.entry, "agents.entry", `agents.entry names "${pack.agents.entry}"`, available);
  }
  const [only] = keys;
  if (keys.length === 1 && only !== undefined) return found(pack, only, "single prompt", "", available);
  return found(pack, promptName, "prompt name", `OMNIA_PROMPT_NAME is "${promptName}"`, available);
}

function found(pack: PackContent, name: string, reason: SelectedPrompt["reason"], why: string, available: string): SelectedPrompt {
  // A prompt is named by its key in `prompts`; its `id` is accepted too since packs usually keep them equal.
  const entry = Object.entries(pack.prompts).find(([key]) => key === name) ?? Object.entries(pack.prompts).find(([, p]) => p.id === name);
  if (!entry) throw new PromptSelectionError(`${why}, but the pack has no such prompt (prompts: ${available})`);
  const [key, prompt] = entry;
  return { key, prompt, reason };
}

function promptTaskOf(state: unknown): string | undefined {
  if (typeof state !== "object" || state === null || !("prompt_task" in state)) return undefined;
  const task: unknown = state.prompt_task;
  return typeof task === "string" ? task : undefined;
}
