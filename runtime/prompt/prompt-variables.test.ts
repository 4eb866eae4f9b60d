import { describe, expect, it } from "vitest";
import type { PackVariable } from "../../shared/manifests/pack-content.js";
import { TurnError } from "../turn-error.js";
import { PromptConfigError } from "./prompt-config-error.js";
import { PromptVariables, type VariableSources } from "./prompt-variables.js";

function sources(extra: Partial<VariableSources> = {}): VariableSources {
  return { metadata: {}, session: { session_id: "s1", user_id: "u-42" }, env: { REGION: "eu-west" }, ...extra };
}

function resolve(variable: PackVariable, from: Partial<VariableSources> = {}): unknown {
  return new PromptVariables("p", [variable]).resolve(sources(from)).get(variable.name);
}

function failure(variable: PackVariable, from: Partial<VariableSources> = {}): TurnError {
  try {
    resolve(variable, from);
  } catch (err) {
    if (err instanceof TurnError) return err;
    throw err;
  }
  throw new Error("expected a TurnError");
}

const v = (name: string, extra: Partial<PackVariable> = {}): PackVariable => ({ name, type: "string", required: false, ...extra });

describe("PromptVariables: values", () => {
  const cases: Array<[string, PackVariable, Partial<VariableSources>, unknown]> = [
    ["metadata under the variable's name", v("user"), { metadata: { user: "Ada" } }, "Ada"],
    ["the default when metadata has none", v("user", { default: "you" }), {}, "you"],
    ["a typed default as-is", v("n", { type: "number", default: 3 }), {}, 3],
    ["undefined for an optional variable without value", v("lang"), {}, undefined],
    ["a number parsed from metadata", v("n", { type: "number" }), { metadata: { n: " 2.5" } }, 2.5],
    ["an integer", v("n", { type: "integer" }), { metadata: { n: "7" } }, 7],
    ["a boolean", v("b", { type: "boolean" }), { metadata: { b: "false" } }, false],
    ["an array from JSON", v("xs", { type: "array" }), { metadata: { xs: '["a","b"]' } }, ["a", "b"]],
    ["an object from JSON", v("o", { type: "object" }), { metadata: { o: '{"a":1}' } }, { a: 1 }],
    ["a session binding", v("uid", { binding: { kind: "session", field: "user_id" } }), {}, "u-42"],
    ["a session binding the caller cannot override", v("uid", { binding: { kind: "session", field: "user_id" } }), { metadata: { uid: "evil", user_id: "evil" } }, "u-42"],
    ["an env binding", v("region", { binding: { kind: "env", field: "REGION" } }), {}, "eu-west"],
    ["an env binding falls back to the default", v("zone", { default: "z1", binding: { kind: "env", field: "ZONE" } }), {}, "z1"],
    ["a header binding, case-insensitive, from metadata", v("locale", { binding: { kind: "header", field: "X-Locale" } }), { metadata: { "x-locale": "fr-FR" } }, "fr-FR"],
    ["a binding filter", v("locale", { binding: { kind: "header", field: "x-locale", filter: "lowercase" } }), { metadata: { "x-locale": " FR " } }, " fr "],
    ["a context binding reads metadata by field", v("plan", { binding: { kind: "context", field: "tier" } }), { metadata: { tier: "gold" } }, "gold"],
  ];
  it.each(cases)("%s", (_name, variable, from, expected) => {
    expect(resolve(variable, from)).toEqual(expected);
  });
});

describe("PromptVariables: turn errors name the variable", () => {
  const cases: Array<[string, PackVariable, Record<string, string>, RegExp]> = [
    ["required and missing", v("user_name", { required: true }), {}, /prompt "p" requires variable "user_name": send it in the message metadata/],
    ["not a number", v("n", { type: "number" }), { n: "ten" }, /variable "n" must be a number, got "ten"/],
    ["not an integer", v("n", { type: "integer" }), { n: "1.5" }, /variable "n" must be an integer/],
    ["not a boolean", v("b", { type: "boolean" }), { b: "yes" }, /variable "b" must be true or false/],
    ["not a JSON array", v("xs", { type: "array" }), { xs: "{}" }, /variable "xs" must be a JSON array/],
    ["pattern", v("zip", { validation: { pattern: "^\\d{5}$" } }), { zip: "12ab5" }, /variable "zip" does not match the pattern/],
    ["min_length", v("s", { validation: { min_length: 3 } }), { s: "ab" }, /variable "s" must be at least 3 long/],
    ["max_length", v("s", { validation: { max_length: 2 } }), { s: "abc" }, /variable "s" must be at most 2 long/],
    ["minimum", v("n", { type: "number", validation: { minimum: 1 } }), { n: "0" }, /variable "n" must be at least 1/],
    ["maximum", v("n", { type: "number", validation: { maximum: 9 } }), { n: "10" }, /variable "n" must be at most 9/],
    ["enum", v("tier", { validation: { enum: ["low", "high"] } }), { tier: "mid" }, /variable "tier" must be one of "low", "high"/],
  ];
  it.each(cases)("%s", (_name, variable, metadata, message) => {
    const error = failure(variable, { metadata });
    expect(error.code).toBe("INVALID_MESSAGE");
    expect(error.message).toMatch(message);
  });

  it("accepts values that pass every rule", () => {
    const variable = v("n", { type: "number", validation: { minimum: 1, maximum: 9, enum: [1, 5] } });
    expect(resolve(variable, { metadata: { n: "5" } })).toBe(5);
  });

  it("lists every problem of a turn in one error", () => {
    const variables = new PromptVariables("p", [v("a", { required: true }), v("n", { type: "number" })]);
    expect(() => variables.resolve(sources({ metadata: { n: "x" } }))).toThrow(/requires variable "a".*; variable "n" must be a number/);
  });
});

describe("PromptVariables: start-up errors", () => {
  it.each([
    [v("z", { validation: { pattern: "(" } }), /variable "z": validation.pattern is not a valid regular expression/],
    [v("z", { binding: { kind: "cookie" } }), /variable "z": binding.kind "cookie" is not one of/],
    [v("z", { binding: { kind: "env", filter: "shout" } }), /variable "z": binding.filter "shout" is not one of/],
  ])("refuses %j", (variable, message) => {
    expect(() => new PromptVariables("p", [variable])).toThrow(PromptConfigError);
    expect(() => new PromptVariables("p", [variable])).toThrow(message);
  });
});
