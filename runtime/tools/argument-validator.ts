// Checks a call's arguments against its tool's input JSON Schema before the call, so a model's
// mistake comes back to it as a tool error naming the field instead of reaching the tool server.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void;

export type ArgumentCheck = { ok: true } | { ok: false; error: string };

export class ArgumentValidator {
  private readonly draft7 = new Ajv({ strict: false, allErrors: true });
  private readonly draft2020 = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction | Error>();

  constructor() {
    addFormats(this.draft7);
    addFormats(this.draft2020);
  }

  /** Compiles a tool's schema ahead of calls; returns the reason when it cannot be compiled (calls then go unchecked). */
  prepare(toolName: string, schema: Record<string, unknown>): string | undefined {
    const compiled = this.compile(toolName, schema);
    return compiled instanceof Error ? `tool "${toolName}": its input schema cannot be compiled, so its arguments go unchecked: ${compiled.message}` : undefined;
  }

  check(toolName: string, schema: Record<string, unknown>, args: unknown): ArgumentCheck {
    const validate = this.compile(toolName, schema);
    if (validate instanceof Error || validate(args)) return { ok: true };
    return { ok: false, error: `invalid arguments for tool "${toolName}": ${(validate.errors ?? []).map(describe).join("; ")}` };
  }

  private compile(toolName: string, schema: Record<string, unknown>): ValidateFunction | Error {
    let compiled = this.compiled.get(toolName);
    if (!compiled) {
      const { $schema, $id: _id, ...body } = schema;
      const ajv = typeof $schema === "string" && $schema.includes("2020-12") ? this.draft2020 : this.draft7;
      try {
        compiled = ajv.compile(body);
      } catch (err) {
        compiled = err instanceof Error ? err : new Error(String(err));
      }
      this.compiled.set(toolName, compiled);
    }
    return compiled;
  }
}

function describe(error: ErrorObject): string {
  const path = error.instancePath.replace(/^\//, "").replaceAll("/", ".");
  if (error.keyword === "required") {
    const missing = String(error.params["missingProperty"] ?? "");
    return `"${path ? `${path}.${missing}` : missing}" is required`;
  }
  if (error.keyword === "additionalProperties") {
    const extra = String(error.params["additionalProperty"] ?? "");
    return `"${path ? `${path}.${extra}` : extra}" is not an allowed field`;
  }
  return path ? `"${path}" ${error.message ?? "is invalid"}` : `the arguments ${error.message ?? "are invalid"}`;
}
