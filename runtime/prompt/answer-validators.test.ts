import { describe, expect, it } from "vitest";
import type { PackValidator } from "../../shared/manifests/pack-content.js";
import { TurnError } from "../turn-error.js";
import { AnswerValidators, type ValidatorViolation } from "./answer-validators.js";
import { PromptConfigError } from "./prompt-config-error.js";

interface Outcome {
  /** Chunks that passed before the turn was stopped (all of them when it was not). */
  passed: string[];
  error?: TurnError;
  notes: ValidatorViolation[];
}

function stream(validator: PackValidator, chunks: readonly string[], outputTokens = 1): Outcome {
  const notes: ValidatorViolation[] = [];
  const check = new AnswerValidators("p", [validator]).startAnswer((violation) => notes.push(violation));
  const passed: string[] = [];
  try {
    for (const chunk of chunks) {
      check.delta(chunk);
      passed.push(chunk);
    }
    check.end(outputTokens);
  } catch (err) {
    if (!(err instanceof TurnError)) throw err;
    return { passed, error: err, notes };
  }
  return { passed, notes };
}

const failing = (type: string, params: Record<string, unknown>): PackValidator => ({ type, params, fail_on_violation: true, message: `${type} says no` });

describe("AnswerValidators with fail_on_violation", () => {
  const cases: Array<[string, PackValidator, string[], number | undefined, number]> = [
    // [name, validator, chunks, output tokens, chunks that pass before the stop (-1: the answer passes)]
    ["banned word stops before its chunk goes out", failing("banned_words", { words: ["refund"] }), ["You get ", "a Refund ", "today."], 1, 1],
    ["banned word split across chunks", failing("banned_words", { words: ["impossible"] }), ["That is imposs", "ible now."], 1, 1],
    ["banned word at the very end is caught at the end", failing("banned_words", { words: ["sorry"] }), ["I am ", "sorry"], 1, 2],
    ["a longer word is not the banned one", failing("banned_words", { words: ["class"] }), ["A classic ", "answer"], 1, -1],
    ["banned phrase", failing("banned_words", { words: ["can't help"] }), ["I can't ", "help you."], 1, 1],
    ["max_length characters while streaming", failing("max_length", { max_characters: 10 }), ["12345", "67890", "x"], 1, 2],
    ["max_length counts code points", failing("max_length", { max_characters: 3 }), ["héé"], 1, -1],
    ["max_length tokens at the end", failing("max_length", { max_tokens: 5 }), ["short"], 6, 1],
    ["length minimum at the end", failing("length", { min_characters: 10 }), ["tiny"], 1, 1],
    ["length within bounds", failing("length", { min_characters: 2, max_characters: 10 }), ["fine"], 1, -1],
    ["max_sentences while streaming", failing("max_sentences", { max_sentences: 2 }), ["One. ", "Two! ", "Three? ", "Four."], 1, 2],
    ["max_sentences counts the unterminated tail", failing("max_sentences", { max_sentences: 1 }), ["One. Two"], 1, 1],
    ["max_sentences within the bound", failing("max_sentences", { max_sentences: 2 }), ["One. ", "Two."], 1, -1],
    ["regex_match must match at the end", failing("regex_match", { pattern: "^\\{.*\\}$", flags: "s" }), ["not json"], 1, 1],
    ["regex_match that matches", failing("regex_match", { pattern: "ticket #\\d+" }), ["See ticket #12", "."], 1, -1],
    ["regex_match must_match false stops while streaming", failing("regex_match", { pattern: "\\d{4}-\\d{4}", must_match: false }), ["Card ", "1234-5678 ", "ok"], 1, 1],
  ];
  it.each(cases)("%s", (_name, validator, chunks, tokens, stopsAfter) => {
    const outcome = stream(validator, chunks, tokens);
    if (stopsAfter === -1) {
      expect(outcome.error).toBeUndefined();
      expect(outcome.passed).toEqual(chunks);
    } else {
      expect(outcome.error).toMatchObject({ code: "VALIDATION_FAILED", message: `${validator.type} says no` });
      expect(outcome.passed).toEqual(chunks.slice(0, stopsAfter));
    }
  });

  it("says which validator stopped the answer when it has no message", () => {
    const outcome = stream({ type: "banned_words", fail_on_violation: true, params: { words: ["x"] } }, ["a x b"]);
    expect(outcome.error?.message).toBe('the answer was stopped by the banned_words validator: it contains the banned word "x"');
  });
});

describe("AnswerValidators without fail_on_violation", () => {
  it("reports a violation once and lets the answer through", () => {
    const outcome = stream({ type: "banned_words", params: { words: ["darn"] } }, ["darn ", "it, darn ", "it."]);
    expect(outcome.error).toBeUndefined();
    expect(outcome.passed).toHaveLength(3);
    expect(outcome.notes).toEqual([{ type: "banned_words", reason: 'contains the banned word "darn"' }]);
  });

  it("skips a disabled validator", () => {
    expect(stream({ ...failing("max_length", { max_characters: 1 }), enabled: false }, ["long answer"]).error).toBeUndefined();
  });
});

describe("AnswerValidators configuration", () => {
  it("warns about a type it cannot run, and checks nothing for it", () => {
    const validators = new AnswerValidators("p", [{ type: "sentiment", fail_on_violation: true }]);
    expect(validators.warnings).toEqual([expect.stringContaining('prompt "p" validators[0] (sentiment): this runtime has no "sentiment" validator')]);
    expect(validators.empty).toBe(true);
  });

  it.each([
    [{ type: "banned_words", params: {} }, /validators\[0\] \(banned_words\): params.words: /],
    [{ type: "banned_words", params: { words: [] } }, /params.words: must list at least one word/],
    [{ type: "max_length", params: {} }, /needs max_characters or max_tokens/],
    [{ type: "max_length", params: { max_characters: -1 } }, /params.max_characters: must not be negative/],
    [{ type: "max_sentences", params: { max_sentences: "3" } }, /params.max_sentences: /],
    [{ type: "regex_match", params: { pattern: "(" } }, /params.pattern: not a valid regular expression/],
    [{ type: "regex_match", params: { pattern: "a", flags: "g" } }, /params.flags: may hold only i, m, s and u/],
  ])("refuses %j at start", (validator, message) => {
    expect(() => new AnswerValidators("p", [validator])).toThrow(PromptConfigError);
    expect(() => new AnswerValidators("p", [validator])).toThrow(message);
  });
});
