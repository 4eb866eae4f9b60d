// The system prompt of one turn: the prompt's template with its variables filled from the user
// message's metadata (same name), else the variable's default.
import type { PackPrompt } from "../../shared/manifests/pack-content.js";
import { TurnError } from "../turn-error.js";
import { renderTemplate } from "./render-template.js";

/** Throws TurnError INVALID_MESSAGE when a required variable has neither a metadata value nor a default. */
export function renderSystemPrompt(prompt: PackPrompt, metadata: Readonly<Record<string, string>>): string {
  const values = new Map<string, string>();
  const missing: string[] = [];
  for (const variable of prompt.variables ?? []) {
    const given = metadata[variable.name];
    if (given !== undefined) values.set(variable.name, given);
    else if (variable.default !== undefined && variable.default !== null) values.set(variable.name, asText(variable.default));
    else if (variable.required) missing.push(variable.name);
  }
  if (missing.length > 0) {
    const names = missing.map((name) => `"${name}"`).join(", ");
    throw new TurnError(
      "INVALID_MESSAGE",
      `prompt "${prompt.id}" requires variable${missing.length > 1 ? "s" : ""} ${names}: send ${missing.length > 1 ? "them" : "it"} in the message metadata`,
    );
  }
  return renderTemplate(prompt.system_template, values);
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
