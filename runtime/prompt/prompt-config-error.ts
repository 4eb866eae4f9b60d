// A prompt the runtime cannot run as written (a bad validation pattern, binding, or validator
// params): thrown at start, naming the prompt and the field, so no turn ever meets it.
export class PromptConfigError extends Error {
  override readonly name = "PromptConfigError";
}
