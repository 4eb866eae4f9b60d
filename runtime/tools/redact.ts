// `redact`: fields removed from a tool's result, at any depth, before it reaches the model, the
// transcript or a log line.
import { isRecord } from "./is-record.js";

export function redactFields(value: unknown, fields: ReadonlySet<string>): unknown {
  if (fields.size === 0) return value;
  if (Array.isArray(value)) return value.map((item) => redactFields(item, fields));
  if (!isRecord(value)) return value;
  const kept: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!fields.has(key)) kept[key] = redactFields(inner, fields);
  }
  return kept;
}
