// Turns an HTTP answer into what the model sees: the JSON body (or the text as a JSON string),
// reshaped by responseMapping and stripped of redacted fields; a non-2xx status is a tool error.
import type { ToolOutcome } from "../tool-adapter.js";
import { evaluateMapping } from "../mapping-expression.js";
import { redactFields } from "../redact.js";
import type { HttpAnswer } from "./send-with-retry.js";

export interface ResultShaping {
  responseMapping?: string | undefined;
  redact?: readonly string[] | undefined;
}

// Enough of an error body for the model to act on, without flooding its context.
const ERROR_BODY_LIMIT = 500;

export function httpOutcome(answer: HttpAnswer, shaping: ResultShaping): ToolOutcome {
  const redact = new Set(shaping.redact ?? []);
  const body = redactFields(parseBody(answer.text), redact);
  if (answer.status < 200 || answer.status > 299) {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const tries = answer.attempts > 1 ? ` after ${answer.attempts} attempts` : "";
    return { ok: false, error: `HTTP ${answer.status}${tries}: ${text.slice(0, ERROR_BODY_LIMIT)}` };
  }
  const shaped = shaping.responseMapping ? evaluateMapping(body, shaping.responseMapping) : body;
  return { ok: true, resultJson: JSON.stringify(shaped ?? null) };
}

function parseBody(text: string): unknown {
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
