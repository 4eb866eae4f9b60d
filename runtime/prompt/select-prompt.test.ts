import { describe, expect, it } from "vitest";
import type { PackContent, PackPrompt } from "../../shared/manifests/pack-content.js";
import { selectPrompt } from "./select-prompt.js";

function prompt(id: string, extra: Partial<PackPrompt> = {}): PackPrompt {
  return { id, name: id, version: "1.0.0", system_template: `I am ${id}.`, ...extra };
}

function pack(prompts: Record<string, PackPrompt>, extra: Partial<PackContent> = {}): PackContent {
  return { id: "p", name: "P", version: "1.0.0", template_engine: { version: "v1", syntax: "{{variable}}" }, prompts, ...extra };
}

describe("selectPrompt", () => {
  const two = { a: prompt("a"), b: prompt("b") };

  it("takes the workflow entry state's prompt_task first", () => {
    const p = pack(two, {
      workflow: { version: 1, entry: "start", states: { start: { prompt_task: "b" } } },
      agents: { entry: "a", members: { a: {} } },
    });
    expect(selectPrompt(p, "a")).toMatchObject({ key: "b", reason: "workflow.entry" });
  });

  it("then the agents entry, then the only prompt, then the configured name", () => {
    expect(selectPrompt(pack(two, { agents: { entry: "a", members: { a: {} } } }), "b")).toMatchObject({ key: "a", reason: "agents.entry" });
    expect(selectPrompt(pack({ only: prompt("only") }), "default")).toMatchObject({ key: "only", reason: "single prompt" });
    expect(selectPrompt(pack(two), "b")).toMatchObject({ key: "b", reason: "prompt name" });
    expect(selectPrompt(pack({ default: prompt("default"), other: prompt("other") }), "default").key).toBe("default");
  });

  it("accepts a prompt's id where its key differs", () => {
    expect(selectPrompt(pack({ support: prompt("support-v2"), x: prompt("x") }), "support-v2")).toMatchObject({ key: "support" });
  });

  it("explains what was looked for when nothing matches", () => {
    expect(() => selectPrompt(pack(two), "default")).toThrow('OMNIA_PROMPT_NAME is "default", but the pack has no such prompt (prompts: a, b)');
    expect(() => selectPrompt(pack(two, { agents: { entry: "c", members: {} } }), "a")).toThrow(/agents.entry names "c"/);
    expect(() => selectPrompt(pack(two, { workflow: { version: 1, entry: "s", states: {} } }), "a")).toThrow(/workflow.entry "s"/);
  });
});
