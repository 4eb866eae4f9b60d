// The scripted mock's file format, as PromptKit's FileMockRepository reads it:
//   defaultResponse: text
//   scenarios: { <id>: { defaultResponse?, turns?: { <1-based turn>: "text" | MockTurn } } }
// Validated at load so a typo fails the runtime's start, naming where it is.
import * as v from "valibot";
import { parse as parseYaml } from "yaml";
import { issuePath } from "../../../shared/manifests/issue-path.js";

const ARGUMENTS_MESSAGE = "must be a mapping or a JSON object text";

const ToolCallScriptSchema = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  // Scripts write arguments as a YAML mapping; a JSON text is accepted too.
  arguments: v.optional(
    v.lazy((input) =>
      typeof input === "string"
        ? v.pipe(v.string(), v.check(isJsonObject, ARGUMENTS_MESSAGE))
        : Array.isArray(input)
          ? v.never(ARGUMENTS_MESSAGE)
          : v.record(v.string(), v.unknown(), ARGUMENTS_MESSAGE),
    ),
    {},
  ),
});

const TurnObjectSchema = v.looseObject({
  // multimodal turns come from PromptKit scripts; only their text is played here.
  type: v.optional(v.picklist(["text", "tool_calls", "multimodal"], (issue) => `${issue.received} is not one of text, tool_calls, multimodal`)),
  content: v.optional(v.string()),
  text: v.optional(v.string()),
  response: v.optional(v.string()),
  parts: v.optional(v.array(v.looseObject({ type: v.optional(v.string()), text: v.optional(v.string()) }))),
  tool_calls: v.optional(v.array(ToolCallScriptSchema)),
});

const TurnKeySchema = v.pipe(v.string(), v.regex(/^[1-9]\d*$/, (issue) => `turn key ${issue.input} is not a 1-based turn number`));

const ScenarioSchema = v.looseObject({
  defaultResponse: v.optional(v.string()),
  // Chosen by the input's shape so that a bad turn object reports its own field, not "no union option".
  turns: v.optional(v.record(TurnKeySchema, v.lazy((input) => (typeof input === "string" ? v.string() : TurnObjectSchema)))),
});

const MockScriptSchema = v.looseObject({
  defaultResponse: v.optional(v.string()),
  scenarios: v.optional(v.record(v.string(), ScenarioSchema), {}),
});

export type MockScript = v.InferOutput<typeof MockScriptSchema>;

/** What the mock plays for one model call. */
export interface MockReply {
  text: string;
  toolCalls: Array<{ name: string; argumentsJson: string }>;
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Parses mock YAML; throws an Error whose lines name each bad path (`scenarios.tools.turns.1.type: …`). */
export function parseMockScript(yamlText: string, source = "mock config"): MockScript {
  let data: unknown;
  try {
    data = parseYaml(yamlText);
  } catch (err) {
    throw new Error(`${source}: invalid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const result = v.safeParse(MockScriptSchema, data ?? {});
  if (result.success) return result.output;
  const lines = result.issues.map((issue) => `${issuePath(issue) || "(root)"}: ${issue.message}`);
  throw new Error(`${source}: ${lines.join("; ")}`);
}

type ScriptedTurn = NonNullable<v.InferOutput<typeof ScenarioSchema>["turns"]>[string];

function toReply(turn: ScriptedTurn): MockReply {
  if (typeof turn === "string") return { text: turn, toolCalls: [] };
  const partsText = (turn.parts ?? []).map((part) => part.text ?? "").join("");
  const text = turn.content ?? turn.text ?? turn.response ?? partsText;
  // A turn that lists tool calls is a tool_calls turn whatever its declared type.
  const toolCalls = (turn.tool_calls ?? []).map((call) => ({
    name: call.name,
    argumentsJson: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
  }));
  return { text, toolCalls };
}

/**
 * The reply for a 1-based turn of a scenario: scenario+turn, then the scenario's default, then the
 * global default, then the provider's fallback text.
 */
export function lookupMockReply(script: MockScript, scenario: string, turn: number, fallbackText: string): MockReply {
  const found = script.scenarios[scenario];
  const scripted = found?.turns?.[String(turn)];
  if (scripted !== undefined) return toReply(scripted);
  const text = found?.defaultResponse ?? script.defaultResponse ?? fallbackText;
  return { text, toolCalls: [] };
}
