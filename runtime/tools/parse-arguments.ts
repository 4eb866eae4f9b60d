// The model's arguments as an object; anything else is a tool error the model can correct.
import { isRecord } from "./is-record.js";

export type ParsedArguments = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

export function parseArguments(argumentsJson: string): ParsedArguments {
  if (argumentsJson.trim() === "") return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(argumentsJson);
  } catch {
    return { ok: false, error: "the tool arguments are not valid JSON" };
  }
  if (!isRecord(value)) return { ok: false, error: "the tool arguments must be a JSON object" };
  return { ok: true, value };
}
