// The PromptPack prompt in the engine: tool_policy bounds and choice, concurrent tool calls,
// parameters and model overrides on the model request, validators on the stream, variable
// bindings and fragments. Driven by the scripted mock provider.
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PackContent, PackPrompt } from "../../shared/manifests/pack-content.js";
import type { ToolHandler } from "../../shared/manifests/tool-registry.js";
import { MemorySessionStore } from "../../shared/session/memory-session-store.js";
import type { LanguageModel, ModelEvent, ModelRequest } from "../providers/language-model.js";
import { MockLanguageModel } from "../providers/mock/mock-language-model.js";
import { parseMockScript } from "../providers/mock/mock-script.js";
import { ClientToolAdapter } from "../tools/client-tool-adapter.js";
import { ToolManager } from "../tools/tool-manager.js";
import { ConversationEngine } from "./conversation-engine.js";
import type { TurnEvent, TurnInput } from "./turn-events.js";

const SCRIPT = parseMockScript(`
scenarios:
  default:
    turns:
      1: "Plain answer."
  two_tools:
    turns:
      1:
        tool_calls:
          - name: get_location
          - name: get_time
      2: "Paris, noon."
  three_tools:
    turns:
      1: { tool_calls: [{ name: get_location }, { name: get_time }, { name: get_location }] }
      2: "done"
  location:
    turns:
      1: { tool_calls: [{ name: get_location }] }
      2: "You are in Paris."
  loop:
    turns:
      1: { tool_calls: [{ name: get_location }] }
      2: { tool_calls: [{ name: get_time }] }
      3: "never reached"
  refund:
    turns:
      1: "I promise you a refund tomorrow, no questions asked."
  chatty:
    turns:
      1: "One. Two. Three. Four."
`);

const BASE: PackPrompt = {
  id: "assistant",
  name: "Assistant",
  version: "1.0.0",
  system_template: "Assist.",
  tools: ["get_location", "get_time"],
};

const PACK: PackContent = {
  id: "test",
  name: "Test",
  version: "1.0.0",
  template_engine: { version: "v1", syntax: "{{variable}}" },
  prompts: { assistant: BASE },
};

const clientTool = (name: string): ToolHandler => ({
  name,
  type: "client",
  timeout: "30s",
  tool: { name, description: name, inputSchema: { type: "object" } },
  clientConfig: { consentMessage: "", categories: [] },
});

/** The real scripted mock, keeping each request it was sent. */
class RecordingModel implements LanguageModel {
  readonly provider = "mock";
  readonly requests: ModelRequest[] = [];
  private readonly inner: MockLanguageModel;
  constructor(readonly model: string) {
    this.inner = new MockLanguageModel({ model, script: SCRIPT });
  }
  stream(request: ModelRequest): AsyncIterable<ModelEvent> {
    this.requests.push(request);
    return this.inner.stream(request);
  }
}

let store: MemorySessionStore;
let model: RecordingModel;
let logLines: Array<Record<string, unknown>>;

beforeEach(() => {
  store = new MemorySessionStore({ ttlMs: 60_000 });
  logLines = [];
});

afterEach(async () => {
  await store.close();
});

function engineFor(prompt: Partial<PackPrompt>, extra: { model?: string; pack?: PackContent; env?: Record<string, string> } = {}): ConversationEngine {
  const full = { ...BASE, ...prompt };
  model = new RecordingModel(extra.model ?? "mock-model");
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return new ConversationEngine({
    store,
    model,
    prompt: full,
    pack: extra.pack ?? PACK,
    ...(extra.env ? { env: extra.env } : {}),
    tools: new ToolManager({ prompt: full, pack: PACK, handlers: [clientTool("get_location"), clientTool("get_time")], adapters: { client: new ClientToolAdapter() } }),
    agent: { name: "assistant", namespace: "default" },
    pricing: { inputCostPer1K: 0, outputCostPer1K: 0 },
    clientToolTimeoutMs: 5_000,
    logger: pino({ level: "info" }, sink),
  });
}

/** Runs a turn; client tool calls are answered once `batch` of them are pending at the same time. */
async function runTurn(engine: ConversationEngine, input: TurnInput, batch = 1): Promise<TurnEvent[]> {
  const turn = engine.startTurn(input);
  const events: TurnEvent[] = [];
  let pending: string[] = [];
  for await (const event of turn) {
    events.push(event);
    if (event.type !== "tool_call") continue;
    pending.push(event.id);
    if (pending.length < batch) continue;
    for (const id of pending) turn.deliverToolResult(id, { rejected: false, resultJson: `{"answered":"${id}"}` });
    pending = [];
  }
  return events;
}

const last = (events: TurnEvent[]) => events.at(-1);
const chunks = (events: TurnEvent[]) => events.flatMap((e) => (e.type === "chunk" ? [e.text] : [])).join("");
const turnCount = async (sessionId: string) => (await store.getSession(sessionId))?.turnCount ?? 0;

describe("tool_policy in the model-tool loop", () => {
  it("runs the tool calls of one model step concurrently and feeds all results back in call order", async () => {
    const engine = engineFor({});
    // Both calls must be out before either is answered: run one after the other, this would hang.
    const events = await runTurn(engine, { sessionId: "c1", content: "where and when?", metadata: { mock_scenario: "two_tools" } }, 2);
    expect(events.filter((e) => e.type === "tool_call").map((e) => (e.type === "tool_call" ? e.name : ""))).toEqual(["get_location", "get_time"]);
    expect(last(events)).toMatchObject({ type: "done", finalContent: "Paris, noon." });
    const { conversation } = await store.loadConversation({ id: "c1", agentName: "assistant", namespace: "default" });
    expect(conversation.messages.map((m) => [m.role, m.metadata?.["tool_name"] ?? ""])).toEqual([
      ["user", ""],
      ["assistant", ""],
      ["tool", "get_location"],
      ["tool", "get_time"],
      ["assistant", ""],
    ]);
    expect(conversation.messages[2]?.content).toBe(`{"answered":"${conversation.messages[1]?.toolCalls?.[0]?.id}"}`);
    expect(conversation.messages[3]?.content).toBe(`{"answered":"${conversation.messages[1]?.toolCalls?.[1]?.id}"}`);
  });

  it("stops at max_tool_calls_per_turn before running any call of the step that crosses it", async () => {
    const engine = engineFor({ tool_policy: { max_tool_calls_per_turn: 2 } });
    const events = await runTurn(engine, { sessionId: "c2", content: "go", metadata: { mock_scenario: "three_tools" } }, 3);
    expect(events.filter((e) => e.type === "tool_call")).toHaveLength(0);
    expect(last(events)).toEqual({ type: "error", code: "TOOL_FAILED", message: expect.stringContaining("3 tool calls in one turn, more than tool_policy.max_tool_calls_per_turn (2)") });
    expect(await turnCount("c2")).toBe(0);
  });

  it("stops at max_rounds: the model's request for tools after the last allowed round ends the turn", async () => {
    const engine = engineFor({ tool_policy: { max_rounds: 1 } });
    const events = await runTurn(engine, { sessionId: "c3", content: "go", metadata: { mock_scenario: "loop" } });
    expect(events.filter((e) => e.type === "tool_call")).toHaveLength(1);
    expect(last(events)).toEqual({ type: "error", code: "TOOL_FAILED", message: expect.stringContaining("after 1 tool rounds (tool_policy.max_rounds)") });
    expect(model.requests).toHaveLength(2);
    expect(await turnCount("c3")).toBe(0);
  });

  it("never offers a blocklisted tool, and a call to it ends the turn", async () => {
    const engine = engineFor({ tool_policy: { blocklist: ["get_location"] } });
    const events = await runTurn(engine, { sessionId: "c4", content: "where?", metadata: { mock_scenario: "location" } });
    expect(model.requests[0]?.tools.map((t) => t.name)).toEqual(["get_time"]);
    expect(events.filter((e) => e.type === "tool_call")).toHaveLength(0);
    expect(last(events)).toEqual({ type: "error", code: "TOOL_FAILED", message: expect.stringContaining('"get_location" is blocked') });
  });

  it("asks for a tool on the first model call only when tool_choice is required", async () => {
    const engine = engineFor({ tool_policy: { tool_choice: "required" } });
    const events = await runTurn(engine, { sessionId: "c5", content: "where?", metadata: { mock_scenario: "location" } });
    expect(last(events)).toMatchObject({ type: "done", finalContent: "You are in Paris." });
    expect(model.requests.map((r) => r.toolChoice)).toEqual(["required", "auto"]);
  });

  it("passes tool_choice none and ends the turn if the model calls a tool anyway", async () => {
    const engine = engineFor({ tool_policy: { tool_choice: "none" } });
    const events = await runTurn(engine, { sessionId: "c6", content: "where?", metadata: { mock_scenario: "location" } });
    expect(model.requests[0]?.toolChoice).toBe("none");
    expect(last(events)).toEqual({ type: "error", code: "TOOL_FAILED", message: expect.stringContaining('tool_policy.tool_choice is "none"') });
  });

  it("sends no tool choice when the prompt sets none", async () => {
    await runTurn(engineFor({}), { sessionId: "c7", content: "hi" });
    expect(model.requests[0]).not.toHaveProperty("toolChoice");
  });
});

describe("parameters and model_overrides on the model request", () => {
  const prompt: Partial<PackPrompt> = {
    system_template: "Base.",
    parameters: { temperature: 0.7, max_tokens: 256, top_p: 0.5 },
    model_overrides: { "mock-large": { system_template_suffix: " Large.", parameters: { temperature: 0.1 } } },
  };

  it.each([
    ["mock-small", "Base.", { temperature: 0.7, maxTokens: 256, topP: 0.5 }],
    ["mock-large", "Base. Large.", { temperature: 0.1, maxTokens: 256, topP: 0.5 }],
  ])("for model %s", async (name, system, settings) => {
    await runTurn(engineFor(prompt, { model: name }), { sessionId: `p-${name}`, content: "hi" });
    expect(model.requests[0]).toMatchObject({ system, settings });
  });

  it("sends no settings when the prompt has no parameters", async () => {
    await runTurn(engineFor({}), { sessionId: "p0", content: "hi" });
    expect(model.requests[0]).not.toHaveProperty("settings");
  });
});

describe("validators on the stream", () => {
  it("ends the turn with VALIDATION_FAILED and the validator's message before the banned word goes out, storing nothing", async () => {
    const engine = engineFor({ validators: [{ type: "banned_words", params: { words: ["refund"] }, fail_on_violation: true, message: "Sorry, I cannot discuss refunds." }] });
    const events = await runTurn(engine, { sessionId: "v1", content: "money back?", metadata: { mock_scenario: "refund" } });
    expect(chunks(events)).toBe("I promise you a ");
    expect(last(events)).toEqual({ type: "error", code: "VALIDATION_FAILED", message: "Sorry, I cannot discuss refunds." });
    expect(await turnCount("v1")).toBe(0);
  });

  it("logs a violation without fail_on_violation, and the answer is stored", async () => {
    const engine = engineFor({ validators: [{ type: "max_sentences", params: { max_sentences: 2 } }] });
    const events = await runTurn(engine, { sessionId: "v2", content: "count", metadata: { mock_scenario: "chatty" } });
    expect(last(events)).toMatchObject({ type: "done", finalContent: "One. Two. Three. Four." });
    expect(await turnCount("v2")).toBe(1);
    expect(logLines).toContainEqual(expect.objectContaining({ msg: "answer violates a validator (not enforced)", validator: "max_sentences", reason: "has 3 sentences, more than 2" }));
  });

  it("warns at start about a validator type it cannot run", () => {
    engineFor({ validators: [{ type: "sentiment", fail_on_violation: true }] });
    expect(logLines).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringContaining('no "sentiment" validator') }));
  });
});

describe("the system prompt of a turn", () => {
  const templated: Partial<PackPrompt> = {
    system_template: "{{> intro}} User {{uid}} in {{region}}.{{#if vip}} VIP.{{/if}}{{#each topics}} [{{this | upper}}]{{/each}}",
    variables: [
      { name: "uid", type: "string", required: true, binding: { kind: "session", field: "user_id" } },
      { name: "region", type: "string", required: false, default: "nowhere", binding: { kind: "env", field: "OMNIA_REGION" } },
      { name: "vip", type: "boolean", required: false, default: false },
      { name: "topics", type: "array", required: false, default: [], validation: { max_length: 2 } },
    ],
  };
  const pack: PackContent = { ...PACK, fragments: { intro: "You are Omnia." } };

  it("renders fragments, bindings, conditionals, loops and filters", async () => {
    const engine = engineFor(templated, { pack, env: { OMNIA_REGION: "eu" } });
    await runTurn(engine, { sessionId: "t1", userId: "u-7", content: "hi", metadata: { vip: "true", topics: '["billing","tax"]', uid: "spoofed" } });
    expect(model.requests[0]?.system).toBe("You are Omnia. User u-7 in eu. VIP. [BILLING] [TAX]");
  });

  it("ends the turn with INVALID_MESSAGE naming the variable that fails validation, storing nothing", async () => {
    const engine = engineFor(templated, { pack });
    const events = await runTurn(engine, { sessionId: "t2", userId: "u-7", content: "hi", metadata: { topics: '["a","b","c"]' } });
    expect(events).toEqual([{ type: "error", code: "INVALID_MESSAGE", message: 'variable "topics" must be at most 2 long' }]);
    expect(model.requests).toHaveLength(0);
    expect(await store.getSession("t2")).toBeNull();
  });

  it("ends the turn with INVALID_MESSAGE when a session-bound required variable has no value", async () => {
    const events = await runTurn(engineFor(templated, { pack }), { sessionId: "t3", content: "hi" });
    expect(last(events)).toMatchObject({ type: "error", code: "INVALID_MESSAGE", message: expect.stringContaining('requires variable "uid"') });
  });

  it("refuses to start with a template that uses a feature the pack does not declare", () => {
    const strict: PackContent = { ...pack, template_engine: { version: "v1", syntax: "{{variable}}", features: ["basic_substitution", "fragments"] } };
    expect(() => engineFor(templated, { pack: strict })).toThrow(/system_template of prompt "assistant", line 1: \{\{#if\}\} needs template_engine feature "conditionals"/);
  });
});
