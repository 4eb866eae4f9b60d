import { describe, expect, it } from "vitest";
import type { PackContent, PackPrompt } from "../../shared/manifests/pack-content.js";
import { TurnError } from "../turn-error.js";
import { renderSystemPrompt } from "./render-system-prompt.js";
import { renderTemplate, templateVariables } from "./render-template.js";
import { selectPrompt } from "./select-prompt.js";

function prompt(id: string, extra: Partial<PackPrompt> = {}): PackPrompt {
  return { id, name: id, version: "1.0.0", system_template: `I am ${id}.`, ...extra };
}

function pack(prompts: Record<string, PackPrompt>, extra: Partial<PackContent> = {}): PackContent {
  return { id: "p", name: "P", version: "1.0.0", template_engine: { version: "v1", syntax: "{{variable}}" }, prompts, ...extra };
}

describe("renderTemplate", () => {
  it("replaces {{name}} with whitespace inside the braces, and leaves unknown names as written", () => {
    const values = new Map([["user", "Ada"], ["tone", "kind"]]);
    expect(renderTemplate("Hi {{user}}, be {{ tone }} ({{  tone}}). {{unknown}}", values)).toBe("Hi Ada, be kind (kind). {{unknown}}");
  });

  it("does not re-expand a value that looks like a placeholder", () => {
    expect(renderTemplate("{{a}} {{b}}", new Map([["a", "{{b}}"], ["b", "x"]]))).toBe("{{b}} x");
  });

  it("lists the variables a template uses", () => {
    expect(templateVariables("{{a}} {{ b }} {{a}}")).toEqual(["a", "b"]);
  });
});

describe("renderSystemPrompt", () => {
  const withVariables = prompt("assistant", {
    system_template: "You are {{assistant_name}} helping {{ user_name }} in {{lang}}.",
    variables: [
      { name: "assistant_name", type: "string", required: false, default: "Omnia" },
      { name: "user_name", type: "string", required: true },
      { name: "lang", type: "string", required: false },
    ],
  });

  it("fills variables from message metadata, else their default", () => {
    expect(renderSystemPrompt(withVariables, { user_name: "Ada", lang: "French" })).toBe("You are Omnia helping Ada in French.");
    expect(renderSystemPrompt(withVariables, { user_name: "Ada", assistant_name: "Max", lang: "German" })).toBe("You are Max helping Ada in German.");
  });

  it("renders non-string defaults as JSON text", () => {
    const p = prompt("n", { system_template: "Limit {{n}}", variables: [{ name: "n", type: "number", required: true, default: 3 }] });
    expect(renderSystemPrompt(p, {})).toBe("Limit 3");
  });

  it("fails the turn with INVALID_MESSAGE naming a required variable that has no value", () => {
    let error: unknown;
    try {
      renderSystemPrompt(withVariables, {});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TurnError);
    expect(error).toMatchObject({ code: "INVALID_MESSAGE", message: expect.stringContaining('"user_name"') });
  });
});

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
