// A prompt's `validators` (guardrails) over each model answer as it streams. A violation of a
// validator with fail_on_violation ends the turn with VALIDATION_FAILED and the validator's
// `message`; any other violation is reported once per answer and the answer goes on.
import type { PackValidator } from "../../shared/manifests/pack-content.js";
import { TurnError } from "../turn-error.js";
import { PromptConfigError } from "./prompt-config-error.js";
import { VALIDATOR_RULES, type AnswerSoFar, type ValidatorRule } from "./validator-rules.js";

export interface ValidatorViolation {
  type: string;
  reason: string;
}

interface ActiveValidator {
  validator: PackValidator;
  rule: ValidatorRule;
}

export class AnswerValidators {
  /** Validators this runtime cannot run (their type is unknown), for the start-up log. */
  readonly warnings: readonly string[];
  private readonly active: readonly ActiveValidator[];

  /** Throws PromptConfigError naming the validator when its params are unusable. */
  constructor(promptId: string, validators: readonly PackValidator[] = []) {
    const warnings: string[] = [];
    const active: ActiveValidator[] = [];
    validators.forEach((validator, index) => {
      if (validator.enabled === false) return;
      const where = `prompt "${promptId}" validators[${index}] (${validator.type})`;
      const factory = Object.hasOwn(VALIDATOR_RULES, validator.type) ? VALIDATOR_RULES[validator.type] : undefined;
      if (!factory) {
        warnings.push(`${where}: this runtime has no "${validator.type}" validator (known: ${Object.keys(VALIDATOR_RULES).join(", ")}); it is not checked`);
        return;
      }
      try {
        active.push({ validator, rule: factory(validator.params ?? {}) });
      } catch (err) {
        throw new PromptConfigError(`${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    });
    this.warnings = warnings;
    this.active = active;
  }

  get empty(): boolean {
    return this.active.length === 0;
  }

  /** A checker for one model answer; `onViolation` hears each violation that does not end the turn. */
  startAnswer(onViolation: (violation: ValidatorViolation) => void): AnswerCheck {
    return new AnswerCheck(this.active, onViolation);
  }
}

export class AnswerCheck {
  private text = "";
  private chars = 0;
  private readonly reported = new Set<ActiveValidator>();

  constructor(
    private readonly active: readonly ActiveValidator[],
    private readonly onViolation: (violation: ValidatorViolation) => void,
  ) {}

  /** Call before a chunk goes out; throws TurnError VALIDATION_FAILED when it breaks a failing validator. */
  delta(delta: string): void {
    const answer: AnswerSoFar = { text: this.text + delta, chars: this.chars + Array.from(delta).length, deltaStart: this.text.length };
    for (const entry of this.active) this.judge(entry, entry.rule.whileStreaming?.(answer));
    this.text = answer.text;
    this.chars = answer.chars;
  }

  /** Call when the model call ends. */
  end(outputTokens: number): void {
    const answer: AnswerSoFar = { text: this.text, chars: this.chars, deltaStart: this.text.length };
    for (const entry of this.active) this.judge(entry, entry.rule.atEnd?.(answer, outputTokens));
  }

  private judge(entry: ActiveValidator, reason: string | undefined): void {
    if (reason === undefined || this.reported.has(entry)) return;
    const { validator } = entry;
    if (validator.fail_on_violation) {
      throw new TurnError("VALIDATION_FAILED", validator.message ?? `the answer was stopped by the ${validator.type} validator: it ${reason}`);
    }
    this.reported.add(entry);
    this.onViolation({ type: validator.type, reason });
  }
}
