// Auth settings handed to a facade as JSON in a variable: an AgentRuntime's `spec.externalAuth`
// (the pod's and the Worker's OMNIA_EXTERNAL_AUTH), checked with the auth core's schema, and the
// other JSON auth variables. An error names the variable and the field, never quotes the text
// (it may hold keys).
import * as v from "valibot";
import { AuthConfigError, ExternalAuthSchema, type ExternalAuth } from "../../shared/auth/index.js";

export function parseExternalAuthVariable(raw: string, variable: string): ExternalAuth {
  return parseJsonVariable(raw, variable, ExternalAuthSchema);
}

/** `raw` parsed as JSON and checked with `schema`; throws an AuthConfigError naming `variable.field`. */
export function parseJsonVariable<T>(raw: string, variable: string, schema: v.GenericSchema<unknown, T>, problem?: string): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    // JSON.parse quotes the text in its message.
    throw new AuthConfigError(`${variable}: not valid JSON`);
  }
  const result = v.safeParse(schema, json);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue?.path?.map((p) => String(p.key)).join(".");
  throw new AuthConfigError(`${variable}${path ? `.${path}` : ""}: ${problem ?? issue?.message ?? "invalid"}`);
}
