import { describe, expect, it } from "vitest";
import type { PackContent, PackPrompt } from "../../shared/manifests/pack-content.js";
import { findOverride, SystemPrompt } from "./render-system-prompt.js";
import { TemplateError } from "./render-template.js";

const PROMPT: PackPrompt = {
  id: "support",
  name: "Support",
  version: "1.0.0",
  system_template: "You help {{user}}.{{> rules}}",
  variables: [{ name: "user", type: "string", required: false, default: "you" }],
  parameters: { temperature: 0.7, max_tokens: 500, top_k: null },
  model_overrides: {
    "gpt-4o": { system_template_prefix: "[gpt] ", parameters: { temperature: 0.2, top_p: 0.9 } },
    "gpt-4o-mini": { system_template: "Short: {{user}}.", system_template_suffix: " End." },
    claude: { system_template_suffix: " Think first.", parameters: { top_k: 40, frequency_penalty: 0.5, presence_penalty: -0.5 } },
  },
};
const PACK: Pick<PackContent, "template_engine" | "fragments"> = {
  template_engine: { version: "v1", syntax: "{{variable}}", features: ["basic_substitution", "fragments"] },
  fragments: { rules: " Be brief." },
};

function render(model: string, metadata: Record<string, string> = {}): string {
  return new SystemPrompt({ prompt: PROMPT, model, pack: PACK }).render({ metadata, session: {}, env: {} });
}

describe("SystemPrompt", () => {
  it.each([
    ["no override", "mock-model", {}, "You help you. Be brief."],
    ["an exact model's prefix", "gpt-4o", { user: "Ada" }, "[gpt] You help Ada. Be brief."],
    ["the most specific key wins, with a replacement template and suffix", "gpt-4o-mini-2024", { user: "Ada" }, "Short: Ada. End."],
    ["a key the model id starts with", "claude-sonnet-4", {}, "You help you. Be brief. Think first."],
  ])("%s", (_name, model, metadata, expected) => {
    expect(render(model, metadata)).toBe(expected);
  });

  it.each([
    ["mock-model", { temperature: 0.7, maxTokens: 500 }],
    ["gpt-4o", { temperature: 0.2, topP: 0.9, maxTokens: 500 }],
    ["claude-3", { temperature: 0.7, maxTokens: 500, topK: 40, frequencyPenalty: 0.5, presencePenalty: -0.5 }],
  ])("settings for %s: the prompt's parameters with the override's on top", (model, expected) => {
    expect(new SystemPrompt({ prompt: PROMPT, model, pack: { ...PACK, template_engine: { version: "v1", syntax: "{{variable}}" } } }).settings).toEqual(expected);
  });

  it("has no settings when the prompt sets no parameters", () => {
    expect(new SystemPrompt({ prompt: { ...PROMPT, parameters: undefined, system_template: "x" }, model: "m" }).settings).toBeUndefined();
  });

  it("names the prompt and the override when a template uses an undeclared feature", () => {
    const broken: PackPrompt = { ...PROMPT, model_overrides: { m: { system_template: "{{#if user}}x{{/if}}" } } };
    expect(() => new SystemPrompt({ prompt: broken, model: "m", pack: { template_engine: { version: "v1", syntax: "{{variable}}", features: ["basic_substitution"] } } })).toThrow(TemplateError);
    expect(() => new SystemPrompt({ prompt: broken, model: "m", pack: { template_engine: { version: "v1", syntax: "{{variable}}", features: ["basic_substitution"] } } })).toThrow(
      /model_overrides\["m"\].system_template of prompt "support", line 1: .*"conditionals"/,
    );
  });

  it("finds no override when none matches", () => {
    expect(findOverride(PROMPT.model_overrides, "llama3")).toBeUndefined();
    expect(findOverride(undefined, "gpt-4o")).toBeUndefined();
  });
});
