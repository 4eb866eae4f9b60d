// PromptPack content (the `pack.json` a PromptPack CRD points at): typed shape plus validation
// against the project's copy of the PromptPack 1.4.0 JSON Schema. The interfaces mirror the schema's
// snake_case names so a validated document can be used as-is; subtrees we don't interpret yet are
// `unknown` so callers must narrow them before use.
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import schema from "./promptpack-1.4.0.schema.json" with { type: "json" };

export interface PackTemplateEngine {
  version: string;
  syntax: string;
  features?: Array<"basic_substitution" | "fragments" | "conditionals" | "loops" | "filters">;
}

export interface PackVariableValidation {
  pattern?: string;
  min_length?: number;
  max_length?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
}

export interface PackVariableBinding {
  kind?: string;
  field?: string;
  auto_populate?: boolean;
  filter?: string;
}

export interface PackVariable {
  name: string;
  /** string | number | boolean | object | array (the schema leaves it open). */
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
  example?: unknown;
  validation?: PackVariableValidation;
  binding?: PackVariableBinding;
}

export interface PackToolPolicy {
  tool_choice?: "auto" | "required" | "none";
  max_rounds?: number;
  max_tool_calls_per_turn?: number;
  blocklist?: string[];
}

export interface PackParameters {
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  top_k?: number | null;
  frequency_penalty?: number;
  presence_penalty?: number;
}

export interface PackValidator {
  /** Open set: runtimes register their own validator types. */
  type: string;
  enabled?: boolean;
  message?: string;
  fail_on_violation?: boolean;
  params?: Record<string, unknown>;
}

export interface PackModelOverride {
  system_template_prefix?: string;
  system_template_suffix?: string;
  system_template?: string;
  parameters?: PackParameters;
}

export interface PackToolParameters {
  type: "object";
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  [key: string]: unknown;
}

export interface PackTool {
  name: string;
  description: string;
  parameters?: PackToolParameters;
}

export interface PackPrompt {
  id: string;
  name: string;
  version: string;
  system_template: string;
  description?: string;
  variables?: PackVariable[];
  tools?: string[];
  tool_policy?: PackToolPolicy;
  pipeline?: unknown;
  parameters?: PackParameters;
  validators?: PackValidator[];
  evals?: unknown[];
  tested_models?: unknown[];
  model_overrides?: Record<string, PackModelOverride>;
  media?: unknown;
}

export interface PackWorkflow {
  version: number;
  entry: string;
  states: Record<string, unknown>;
  engine?: unknown;
}

export interface PackAgents {
  entry: string;
  members: Record<string, unknown>;
}

export interface PackContent {
  $schema?: string;
  id: string;
  name: string;
  version: string;
  description?: string;
  template_engine: PackTemplateEngine;
  prompts: Record<string, PackPrompt>;
  fragments?: Record<string, string>;
  tools?: Record<string, PackTool>;
  metadata?: unknown;
  compilation?: unknown;
  evals?: unknown[];
  workflow?: PackWorkflow;
  agents?: PackAgents;
  skills?: unknown[];
}

export type PackValidationResult = { ok: true; pack: PackContent } | { ok: false; errors: string[] };

/** Thrown by parsePackJson; `errors` holds one line per problem (JSON syntax or schema). */
export class PackValidationError extends Error {
  readonly errors: string[];
  constructor(errors: string[]) {
    super(`invalid PromptPack content:\n  ${errors.join("\n  ")}`);
    this.name = "PackValidationError";
    this.errors = errors;
  }
}

// Compiling the schema takes tens of milliseconds; do it once, and only when a pack is first checked.
let compiled: ValidateFunction<PackContent> | undefined;

function packValidator(): ValidateFunction<PackContent> {
  if (!compiled) {
    // strict: false because the published schema uses annotation keywords (examples, …) that
    // ajv's strict mode would reject although they are valid JSON Schema.
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    // ajv-formats is CommonJS; under NodeNext its default import is the module object.
    addFormatsModule.default(ajv);
    compiled = ajv.compile<PackContent>(schema);
  }
  return compiled;
}

function formatError(error: ErrorObject): string {
  const path = error.instancePath === "" ? "/" : error.instancePath;
  let message = error.message ?? "is invalid";
  // Name the offending key so "must NOT have additional properties" is actionable.
  if (error.keyword === "additionalProperties" && typeof error.params.additionalProperty === "string") {
    message += ` ('${error.params.additionalProperty}')`;
  } else if (error.keyword === "enum" && Array.isArray(error.params.allowedValues)) {
    message += `: ${error.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(", ")}`;
  }
  return `${path}: ${message}`;
}

/** Validates parsed pack.json against the PromptPack 1.4.0 schema. */
export function validatePackContent(json: unknown): PackValidationResult {
  const validate = packValidator();
  if (validate(json)) return { ok: true, pack: json };
  const errors = (validate.errors ?? []).map(formatError);
  return { ok: false, errors: errors.length > 0 ? errors : ["/: does not match the PromptPack schema"] };
}

/** Parses and validates pack.json text; throws PackValidationError for bad JSON or schema errors. */
export function parsePackJson(text: string): PackContent {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PackValidationError([`invalid JSON: ${err instanceof Error ? err.message : String(err)}`]);
  }
  const result = validatePackContent(json);
  if (!result.ok) throw new PackValidationError(result.errors);
  return result.pack;
}
