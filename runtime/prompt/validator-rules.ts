// The built-in PromptPack validator types, each from its `params` (checked with valibot at start) to
// a rule the answer stream is checked against. `whileStreaming` sees the text so far before each
// chunk goes out, so a rule that can judge early stops the answer before the violating chunk;
// `atEnd` judges the whole answer once the model call ends.
import * as v from "valibot";

export interface AnswerSoFar {
  text: string;
  /** Characters (code points) in `text`. */
  chars: number;
  /** Where the newest chunk starts in `text`. */
  deltaStart: number;
}

export interface ValidatorRule {
  /** A reason when the text so far already violates the rule. */
  whileStreaming?(answer: AnswerSoFar): string | undefined;
  /** A reason when the finished answer violates the rule. */
  atEnd?(answer: AnswerSoFar, outputTokens: number): string | undefined;
}

const count = v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative"));

const BannedWordsParams = v.object({ words: v.pipe(v.array(v.pipe(v.string(), v.minLength(1, "must not be empty"))), v.minLength(1, "must list at least one word")) });
const MaxLengthParams = v.pipe(
  v.object({ max_characters: v.optional(count), max_tokens: v.optional(count) }),
  v.check((p) => p.max_characters !== undefined || p.max_tokens !== undefined, "needs max_characters or max_tokens"),
);
const LengthParams = v.pipe(
  v.object({ min_characters: v.optional(count), max_characters: v.optional(count), max_tokens: v.optional(count) }),
  v.check((p) => p.min_characters !== undefined || p.max_characters !== undefined || p.max_tokens !== undefined, "needs min_characters, max_characters or max_tokens"),
);
const MaxSentencesParams = v.object({ max_sentences: v.pipe(count, v.minValue(1, "must be at least 1")) });
const RegexMatchParams = v.object({
  pattern: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  flags: v.optional(v.pipe(v.string(), v.regex(/^[imsu]*$/, "may hold only i, m, s and u"))),
  /** true (default): the answer must match; false: the answer must not match anywhere. */
  must_match: v.optional(v.boolean(), true),
});

export type RuleFactory = (params: Record<string, unknown>) => ValidatorRule;

function parseParams<T extends v.GenericSchema>(schema: T, params: Record<string, unknown>): v.InferOutput<T> {
  const result = v.safeParse(schema, params);
  if (result.success) return result.output;
  throw new Error(
    result.issues
      .map((issue) => {
        const path = issue.path?.map((item) => String(item.key)).join(".");
        return `params${path ? `.${path}` : ""}: ${issue.message}`;
      })
      .join("; "),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const bannedWords: RuleFactory = (params) => {
  const { words } = parseParams(BannedWordsParams, params);
  // Whole words, case-insensitive: "class" does not ban "classic".
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${words.map(escapeRegExp).join("|")})(?![\\p{L}\\p{N}_])`, "giu");
  const longest = Math.max(...words.map((word) => word.length));
  const find = (text: string, from: number, final: boolean): string | undefined => {
    pattern.lastIndex = 0;
    for (const match of text.slice(from).matchAll(pattern)) {
      // Mid-stream a word at the very end may still grow ("class" -> "classic"): wait for the next character.
      if (!final && from + match.index + match[0].length >= text.length) continue;
      return `contains the banned word "${match[0]}"`;
    }
    return undefined;
  };
  return {
    whileStreaming: (answer) => find(answer.text, Math.max(0, answer.deltaStart - longest - 1), false),
    atEnd: (answer) => find(answer.text, Math.max(0, answer.text.length - longest - 1), true),
  };
};

function lengthRule(p: { min_characters?: number | undefined; max_characters?: number | undefined; max_tokens?: number | undefined }): ValidatorRule {
  return {
    whileStreaming: (answer) =>
      p.max_characters !== undefined && answer.chars > p.max_characters ? `is longer than ${p.max_characters} characters` : undefined,
    atEnd: (answer, outputTokens) => {
      if (p.min_characters !== undefined && answer.chars < p.min_characters) return `is shorter than ${p.min_characters} characters`;
      if (p.max_tokens !== undefined && outputTokens > p.max_tokens) return `used ${outputTokens} tokens, more than ${p.max_tokens}`;
      return undefined;
    },
  };
}

// A sentence ends at ., ! or ? (repeated) followed by whitespace; unterminated text at the end is one more.
const SENTENCE_END = /[.!?]+(?=\s)/g;

function sentencesIn(text: string, final: boolean): number {
  const ended = text.match(SENTENCE_END)?.length ?? 0;
  if (!final) return ended;
  const tail = text.replace(/^[\s\S]*[.!?]+(?=\s)/, "").trim();
  return ended + (tail !== "" && !/^[.!?]+$/.test(tail) ? 1 : 0);
}

const maxSentences: RuleFactory = (params) => {
  const { max_sentences: max } = parseParams(MaxSentencesParams, params);
  const over = (text: string, final: boolean) => {
    const sentences = sentencesIn(text, final);
    return sentences > max ? `has ${sentences} sentences, more than ${max}` : undefined;
  };
  return {
    whileStreaming: (answer) => (/[.!?]/.test(answer.text.slice(Math.max(0, answer.deltaStart - 1))) ? over(answer.text, false) : undefined),
    atEnd: (answer) => over(answer.text, true),
  };
};

const regexMatch: RuleFactory = (params) => {
  const p = parseParams(RegexMatchParams, params);
  let pattern: RegExp;
  try {
    pattern = new RegExp(p.pattern, p.flags ?? "");
  } catch (err) {
    throw new Error(`params.pattern: not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (p.must_match) return { atEnd: (answer) => (pattern.test(answer.text) ? undefined : `does not match ${p.pattern}`) };
  const forbidden = (answer: AnswerSoFar) => (pattern.test(answer.text) ? `matches ${p.pattern}` : undefined);
  return { whileStreaming: forbidden, atEnd: forbidden };
};

export const VALIDATOR_RULES: Readonly<Record<string, RuleFactory>> = {
  banned_words: bannedWords,
  max_length: (params) => lengthRule(parseParams(MaxLengthParams, params)),
  length: (params) => lengthRule(parseParams(LengthParams, params)),
  max_sentences: maxSentences,
  regex_match: regexMatch,
};
