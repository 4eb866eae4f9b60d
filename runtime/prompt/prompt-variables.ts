// A prompt's `variables` for one turn: each value comes from its binding (session, env, header or
// context), else the user message's metadata under the variable's name, else its default; it is then
// typed (metadata is text: numbers, booleans, objects and arrays are parsed) and checked against
// its `validation`. Session and env bindings are the runtime's word: a caller cannot override them
// through metadata (a `user_id` bound to the session is the authenticated user).
import type { PackVariable } from "../../shared/manifests/pack-content.js";
import { TurnError } from "../turn-error.js";
import { PromptConfigError } from "./prompt-config-error.js";
import { applyFilter, isFilter, FILTER_NAMES } from "./template-filters.js";

/** Where bound values come from on a turn. */
export interface VariableSources {
  /** The user message's metadata (the facade forwards the client's `metadata` map). */
  metadata: Readonly<Record<string, string>>;
  /** session_id, user_id, workspace, agent_name, namespace. */
  session: Readonly<Record<string, string | undefined>>;
  env: Readonly<Record<string, string | undefined>>;
}

const KNOWN_KINDS = new Set(["session", "env", "header", "context"]);

interface CompiledVariable {
  variable: PackVariable;
  pattern: RegExp | undefined;
}

export class PromptVariables {
  private readonly compiled: CompiledVariable[];

  /** Throws PromptConfigError at start for a bad `validation.pattern`, binding kind or filter. */
  constructor(
    private readonly promptId: string,
    variables: readonly PackVariable[],
  ) {
    this.compiled = variables.map((variable) => {
      const where = `prompt "${promptId}" variable "${variable.name}"`;
      const kind = variable.binding?.kind;
      if (kind !== undefined && !KNOWN_KINDS.has(kind)) {
        throw new PromptConfigError(`${where}: binding.kind "${kind}" is not one of ${[...KNOWN_KINDS].join(", ")}`);
      }
      const filter = variable.binding?.filter;
      if (filter !== undefined && !isFilter(filter)) {
        throw new PromptConfigError(`${where}: binding.filter "${filter}" is not one of ${FILTER_NAMES.join(", ")}`);
      }
      let pattern: RegExp | undefined;
      if (variable.validation?.pattern !== undefined) {
        try {
          pattern = new RegExp(variable.validation.pattern, "u");
        } catch (err) {
          throw new PromptConfigError(`${where}: validation.pattern is not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      return { variable, pattern };
    });
  }

  /** Every declared variable (a missing optional one maps to undefined). Throws TurnError INVALID_MESSAGE. */
  resolve(sources: VariableSources): Map<string, unknown> {
    const values = new Map<string, unknown>();
    const missing: string[] = [];
    const problems: string[] = [];
    for (const { variable, pattern } of this.compiled) {
      const given = boundValue(variable, sources);
      let value: unknown = given;
      if (given === undefined && variable.default !== undefined && variable.default !== null) value = variable.default;
      if (value === undefined) {
        if (variable.required) missing.push(variable.name);
        values.set(variable.name, undefined);
        continue;
      }
      const typed = typeof value === "string" ? parseTyped(variable, value) : { ok: true as const, value };
      if (!typed.ok) {
        problems.push(`variable "${variable.name}" ${typed.problem}`);
        continue;
      }
      const problem = validationProblem(variable, pattern, typed.value);
      if (problem) problems.push(`variable "${variable.name}" ${problem}`);
      values.set(variable.name, typed.value);
    }
    if (missing.length > 0) {
      const names = missing.map((name) => `"${name}"`).join(", ");
      const plural = missing.length > 1;
      problems.unshift(`prompt "${this.promptId}" requires variable${plural ? "s" : ""} ${names}: send ${plural ? "them" : "it"} in the message metadata`);
    }
    if (problems.length > 0) throw new TurnError("INVALID_MESSAGE", problems.join("; "));
    return values;
  }
}

function boundValue(variable: PackVariable, sources: VariableSources): string | undefined {
  const binding = variable.binding;
  const field = binding?.field ?? variable.name;
  let raw: string | undefined;
  switch (binding?.kind) {
    case "session":
      raw = nonEmpty(sources.session[field]);
      break;
    case "env":
      raw = nonEmpty(sources.env[field]);
      break;
    case "header":
      // Headers reach the runtime as message metadata; their names are case-insensitive.
      raw = metadataValue(sources.metadata, field, true) ?? metadataValue(sources.metadata, variable.name, false);
      break;
    default:
      raw = metadataValue(sources.metadata, field, false) ?? metadataValue(sources.metadata, variable.name, false);
  }
  if (raw === undefined || binding?.filter === undefined) return raw;
  const filtered = applyFilter(binding.filter, raw);
  return typeof filtered === "string" ? filtered : String(filtered);
}

function metadataValue(metadata: Readonly<Record<string, string>>, key: string, ignoreCase: boolean): string | undefined {
  if (Object.hasOwn(metadata, key)) return metadata[key];
  if (!ignoreCase) return undefined;
  const lower = key.toLowerCase();
  const found = Object.keys(metadata).find((name) => name.toLowerCase() === lower);
  return found === undefined ? undefined : metadata[found];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

type Typed = { ok: true; value: unknown } | { ok: false; problem: string };

function parseTyped(variable: PackVariable, text: string): Typed {
  switch (variable.type) {
    case "number":
    case "integer": {
      const number = text.trim() === "" ? Number.NaN : Number(text);
      if (!Number.isFinite(number)) return { ok: false, problem: `must be a number, got ${JSON.stringify(text)}` };
      if (variable.type === "integer" && !Number.isInteger(number)) return { ok: false, problem: `must be an integer, got ${JSON.stringify(text)}` };
      return { ok: true, value: number };
    }
    case "boolean":
      if (text === "true") return { ok: true, value: true };
      if (text === "false") return { ok: true, value: false };
      return { ok: false, problem: `must be true or false, got ${JSON.stringify(text)}` };
    case "object":
    case "array": {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return { ok: false, problem: `must be a JSON ${variable.type}` };
      }
      const isArray = Array.isArray(value);
      const fits = variable.type === "array" ? isArray : typeof value === "object" && value !== null && !isArray;
      return fits ? { ok: true, value } : { ok: false, problem: `must be a JSON ${variable.type}` };
    }
    default:
      return { ok: true, value: text };
  }
}

function validationProblem(variable: PackVariable, pattern: RegExp | undefined, value: unknown): string | undefined {
  const rules = variable.validation;
  if (!rules) return undefined;
  if (rules.enum !== undefined) {
    const wanted = JSON.stringify(value);
    if (!rules.enum.some((allowed) => JSON.stringify(allowed) === wanted)) {
      return `must be one of ${rules.enum.map((allowed) => JSON.stringify(allowed)).join(", ")}`;
    }
  }
  if (typeof value === "string" || Array.isArray(value)) {
    const length = typeof value === "string" ? Array.from(value).length : value.length;
    if (rules.min_length !== undefined && length < rules.min_length) return `must be at least ${rules.min_length} long`;
    if (rules.max_length !== undefined && length > rules.max_length) return `must be at most ${rules.max_length} long`;
  }
  if (typeof value === "string" && pattern && !pattern.test(value)) return `does not match the pattern ${rules.pattern}`;
  if (typeof value === "number") {
    if (rules.minimum !== undefined && value < rules.minimum) return `must be at least ${rules.minimum}`;
    if (rules.maximum !== undefined && value > rules.maximum) return `must be at most ${rules.maximum}`;
  }
  return undefined;
}
