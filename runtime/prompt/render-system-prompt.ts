// The prompt as the agent's model gets it: the `model_overrides` entry for the Provider's model
// (replacement template, prefix and suffix, parameters) folded into the prompt, the template
// compiled once at start, and rendered per turn with that turn's variables.
import type { PackContent, PackModelOverride, PackParameters, PackPrompt } from "../../shared/manifests/pack-content.js";
import type { ModelRequest } from "../providers/language-model.js";
import { PromptVariables, type VariableSources } from "./prompt-variables.js";
import { ALL_TEMPLATE_FEATURES, compileTemplate, type CompiledTemplate } from "./render-template.js";

export type ModelSettings = NonNullable<ModelRequest["settings"]>;

export interface SystemPromptOptions {
  prompt: PackPrompt;
  /** The pack's template engine and fragments; without them every feature is on and there are no fragments. */
  pack?: Pick<PackContent, "template_engine" | "fragments">;
  /** The Provider's model id, to pick the prompt's `model_overrides` entry. */
  model: string;
}

export class SystemPrompt {
  /** The override key that applied, if any (for the start-up log). */
  readonly overrideKey: string | undefined;
  /** The prompt's parameters with the override's on top; undefined when neither sets any. */
  readonly settings: ModelSettings | undefined;
  private readonly template: CompiledTemplate;
  private readonly variables: PromptVariables;

  /** Throws TemplateError or PromptConfigError naming the prompt when the template or a variable is unusable. */
  constructor(options: SystemPromptOptions) {
    const { prompt, pack } = options;
    const override = findOverride(prompt.model_overrides, options.model);
    this.overrideKey = override?.key;
    const base = override?.entry.system_template ?? prompt.system_template;
    const source = `${override?.entry.system_template !== undefined ? `model_overrides["${override.key}"].system_template` : "system_template"} of prompt "${prompt.id}"`;
    const text = `${override?.entry.system_template_prefix ?? ""}${base}${override?.entry.system_template_suffix ?? ""}`;
    // A pack that lists no features gets them all: the schema makes the list optional, and refusing
    // syntax nobody restricted would only break packs.
    const declared = pack?.template_engine.features;
    this.template = compileTemplate(text, {
      features: new Set(declared ?? ALL_TEMPLATE_FEATURES),
      fragments: pack?.fragments ?? {},
      source,
    });
    this.variables = new PromptVariables(prompt.id, prompt.variables ?? []);
    this.settings = toSettings({ ...prompt.parameters, ...override?.entry.parameters });
  }

  /** Throws TurnError INVALID_MESSAGE naming each missing or invalid variable. */
  render(sources: VariableSources): string {
    return this.template.render(this.variables.resolve(sources));
  }
}

/** The entry for the model: its exact id, else the longest key the id starts with ("gpt-4o" for "gpt-4o-2024-08-06"). */
export function findOverride(overrides: PackPrompt["model_overrides"], model: string): { key: string; entry: PackModelOverride } | undefined {
  if (!overrides) return undefined;
  const exact = overrides[model];
  if (Object.hasOwn(overrides, model) && exact) return { key: model, entry: exact };
  const key = Object.keys(overrides)
    .filter((candidate) => model.startsWith(candidate))
    .sort((a, b) => b.length - a.length)[0];
  const entry = key === undefined ? undefined : overrides[key];
  return key !== undefined && entry ? { key, entry } : undefined;
}

function toSettings(parameters: PackParameters): ModelSettings | undefined {
  const settings: ModelSettings = {};
  if (parameters.temperature !== undefined) settings.temperature = parameters.temperature;
  if (parameters.top_p !== undefined) settings.topP = parameters.top_p;
  // null is the schema's "no limit", which is what leaving it out means to a provider.
  if (parameters.top_k !== undefined && parameters.top_k !== null) settings.topK = parameters.top_k;
  if (parameters.max_tokens !== undefined) settings.maxTokens = parameters.max_tokens;
  if (parameters.frequency_penalty !== undefined) settings.frequencyPenalty = parameters.frequency_penalty;
  if (parameters.presence_penalty !== undefined) settings.presencePenalty = parameters.presence_penalty;
  return Object.keys(settings).length > 0 ? settings : undefined;
}
