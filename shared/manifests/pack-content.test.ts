import { describe, expect, it } from "vitest";
import { PackValidationError, parsePackJson, validatePackContent } from "./pack-content.js";
import { validPackJson } from "./test-fixtures.js";

describe("validatePackContent", () => {
  it("accepts a valid PromptPack 1.4.0 document", () => {
    const result = validatePackContent(validPackJson);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.pack.prompts.assistant?.system_template).toContain("{{assistant_name}}");
  });

  it("names the JSON path and the schema's message", () => {
    const { system_template: _omitted, ...prompt } = validPackJson.prompts.assistant;
    const result = validatePackContent({ ...validPackJson, prompts: { support: { ...prompt, id: "support" } } });
    expect(result).toEqual({ ok: false, errors: ["/prompts/support: must have required property 'system_template'"] });
  });

  it("reports every error, naming unknown properties and enum choices", () => {
    const result = validatePackContent({
      ...validPackJson,
      colour: "blue",
      prompts: {
        assistant: { ...validPackJson.prompts.assistant, tool_policy: { tool_choice: "sometimes" } },
      },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toContain("/: must NOT have additional properties ('colour')");
      expect(result.errors).toContain('/prompts/assistant/tool_policy/tool_choice: must be equal to one of the allowed values: "auto", "required", "none"');
    }
  });

  it("rejects a non-object", () => {
    expect(validatePackContent("pack")).toEqual({ ok: false, errors: ["/: must be object"] });
  });
});

describe("parsePackJson", () => {
  it("returns the typed pack for valid text", () => {
    expect(parsePackJson(JSON.stringify(validPackJson)).id).toBe("assistant");
  });

  it("throws PackValidationError for bad JSON", () => {
    const error = (() => {
      try {
        parsePackJson("{ nope");
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(PackValidationError);
    expect((error as PackValidationError).errors[0]).toMatch(/^invalid JSON: /);
  });

  it("throws PackValidationError listing schema errors", () => {
    expect(() => parsePackJson(JSON.stringify({ ...validPackJson, version: "one" }))).toThrow(
      /\/version: must match pattern/,
    );
  });
});
