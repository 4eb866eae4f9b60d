import { describe, expect, it } from "vitest";
import type { ModelEvent, ModelMessage, ModelRequest } from "../language-model.js";
import { MockLanguageModel, splitWords } from "./mock-language-model.js";
import { parseMockScript } from "./mock-script.js";

const SCRIPT = parseMockScript(`
defaultResponse: Global default answer.
scenarios:
  default:
    turns:
      1: "Turn one answer: alpha bravo."
      2: "Turn two answer."
    defaultResponse: "Later turn answer."
  tools:
    turns:
      1:
        type: tool_calls
        tool_calls:
          - name: get_location
            arguments:
              precision: city
      2: "Thanks, I see where you are."
  implicit:
    turns:
      1:
        content: "Looking that up."
        tool_calls:
          - name: lookup
  objects:
    turns:
      1: { type: text, text: "from text" }
      2: { response: "from response" }
  bare: {}
`);

function request(messages: ModelMessage[], metadata: Record<string, string> = {}, signal = new AbortController().signal): ModelRequest {
  return { system: "You are a test.", messages, tools: [], metadata, turnIndex: 0, signal };
}

async function collect(stream: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const events: ModelEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const textOf = (events: ModelEvent[]) => events.flatMap((e) => (e.type === "text-delta" ? [e.text] : [])).join("");
const user = (content: string): ModelMessage => ({ role: "user", content });
const assistant = (content: string): ModelMessage => ({ role: "assistant", content });

describe("MockLanguageModel lookup order", () => {
  const model = new MockLanguageModel({ model: "mock-model", script: SCRIPT });

  it("plays the scenario's turn numbered by the assistant messages already in the history", async () => {
    expect(textOf(await collect(model.stream(request([user("hi")]))))).toBe("Turn one answer: alpha bravo.");
    expect(textOf(await collect(model.stream(request([user("hi"), assistant("x"), user("again")]))))).toBe("Turn two answer.");
  });

  it("falls back to the scenario default, then the global default, then the provider text", async () => {
    const third = [user("1"), assistant("a"), user("2"), assistant("b"), user("3")];
    expect(textOf(await collect(model.stream(request(third))))).toBe("Later turn answer.");
    expect(textOf(await collect(model.stream(request([user("hi")], { mock_scenario: "bare" }))))).toBe("Global default answer.");
    expect(textOf(await collect(model.stream(request([user("hi")], { mock_scenario: "nope" }))))).toBe("Global default answer.");
    const unscripted = new MockLanguageModel({ model: "m-1" });
    expect(textOf(await collect(unscripted.stream(request([user("hi")]))))).toBe("Mock response for provider mock model m-1");
  });

  it("emits scripted tool calls, then answers the next model call (after the tool result) from turn 2", async () => {
    const first = await collect(model.stream(request([user("where am I?")], { mock_scenario: "tools" })));
    const call = first.find((e) => e.type === "tool-call");
    expect(call).toMatchObject({ type: "tool-call", name: "get_location", argumentsJson: '{"precision":"city"}' });
    expect(textOf(first)).toBe("");
    const id = call?.type === "tool-call" ? call.id : "";
    const second = await collect(
      model.stream(
        request(
          [
            user("where am I?"),
            { role: "assistant", content: "", toolCalls: [{ id, name: "get_location", argumentsJson: "{}" }] },
            { role: "tool", toolCallId: id, toolName: "get_location", content: '{"city":"Paris"}' },
          ],
          { mock_scenario: "tools" },
        ),
      ),
    );
    expect(textOf(second)).toBe("Thanks, I see where you are.");
  });

  it("treats a turn that lists tool calls as a tool_calls turn and reads content, text or response", async () => {
    const events = await collect(model.stream(request([user("x")], { mock_scenario: "implicit" })));
    expect(textOf(events)).toBe("Looking that up.");
    expect(events.filter((e) => e.type === "tool-call")).toMatchObject([{ name: "lookup", argumentsJson: "{}" }]);
    expect(textOf(await collect(model.stream(request([user("x")], { mock_scenario: "objects" }))))).toBe("from text");
    expect(textOf(await collect(model.stream(request([user("x"), assistant("a"), user("y")], { mock_scenario: "objects" }))))).toBe("from response");
  });
});

describe("MockLanguageModel streaming", () => {
  it("streams word by word with the following whitespace, so the deltas join to the exact text", async () => {
    const script = parseMockScript(`defaultResponse: "  Hello,  brave\\nnew world! "`);
    const events = await collect(new MockLanguageModel({ model: "m", script }).stream(request([user("hi")])));
    const deltas = events.flatMap((e) => (e.type === "text-delta" ? [e.text] : []));
    expect(deltas).toEqual(["  Hello,  ", "brave\n", "new ", "world! "]);
    expect(events.at(-1)).toEqual({ type: "finish", usage: { inputTokens: 5, outputTokens: 4 } });
  });

  it("splits text into words that join back to the text", () => {
    for (const text of ["", " ", "one", "a b  c", "\tlead and trail\n"]) expect(splitWords(text).join("")).toBe(text);
  });

  it("waits the chunk delay between words and stops when the signal aborts", async () => {
    const script = parseMockScript(`defaultResponse: "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10"`);
    const model = new MockLanguageModel({ model: "m", script, chunkDelayMs: 30 });
    const abort = new AbortController();
    const seen: string[] = [];
    const started = Date.now();
    await expect(
      (async () => {
        for await (const event of model.stream(request([user("hi")], {}, abort.signal))) {
          if (event.type === "text-delta") seen.push(event.text);
          if (seen.length === 3) abort.abort(new Error("client went away"));
        }
      })(),
    ).rejects.toThrow("client went away");
    expect(seen).toEqual(["w1 ", "w2 ", "w3 "]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });
});

describe("parseMockScript", () => {
  it("names the path of a bad entry", () => {
    expect(() => parseMockScript("scenarios:\n  s:\n    turns:\n      1: { type: audio }\n")).toThrow(/scenarios\.s\.turns\.1/);
    expect(() => parseMockScript("scenarios:\n  s:\n    turns:\n      first: hi\n")).toThrow(/first is not a 1-based turn number/);
    expect(() => parseMockScript("scenarios:\n  s:\n    turns:\n      1: { tool_calls: [{ arguments: {} }] }\n")).toThrow(/scenarios\.s\.turns\.1\.tool_calls\[0\]\.name/);
    expect(() => parseMockScript("scenarios:\n  s:\n    turns:\n      1: { tool_calls: [{ name: x, arguments: [1] }] }\n")).toThrow(
      /tool_calls\[0\]\.arguments: must be a mapping or a JSON object text/,
    );
    expect(() => parseMockScript("scenarios:\n  s:\n    turns:\n      1: 42\n")).toThrow(/scenarios\.s\.turns\.1: /);
    expect(() => parseMockScript("defaultResponse: [unclosed")).toThrow(/invalid YAML/);
  });

  it("accepts an empty file", () => {
    expect(parseMockScript("")).toEqual({ scenarios: {} });
  });
});
