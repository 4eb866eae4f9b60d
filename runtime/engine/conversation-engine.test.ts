import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PackContent, PackPrompt } from "../../shared/manifests/pack-content.js";
import type { ToolHandler } from "../../shared/manifests/tool-registry.js";
import { MemorySessionStore } from "../../shared/session/memory-session-store.js";
import { MockLanguageModel } from "../providers/mock/mock-language-model.js";
import { parseMockScript } from "../providers/mock/mock-script.js";
import { ClientToolAdapter } from "../tools/client-tool-adapter.js";
import type { ClientToolAnswer } from "../tools/tool-adapter.js";
import { ToolManager } from "../tools/tool-manager.js";
import { ConversationEngine } from "./conversation-engine.js";
import type { Turn, TurnEvent, TurnInput } from "./turn-events.js";

const SCRIPT = parseMockScript(`
scenarios:
  default:
    turns:
      1: "Turn one answer."
      2: "Turn two answer."
  tools:
    turns:
      1:
        tool_calls:
          - name: get_location
            arguments: { precision: city }
      2: "Thanks, I see where you are."
  unknown_tool:
    turns:
      1: { tool_calls: [{ name: no_such_tool }] }
      2: { tool_calls: [{ name: no_such_tool }] }
  http_tool:
    turns:
      1:
        tool_calls:
          - name: weather
  loop:
    defaultResponse: unused
    turns:
      1: { tool_calls: [{ name: get_location }] }
      2: { tool_calls: [{ name: get_location }] }
      3: { tool_calls: [{ name: get_location }] }
      4: "finally"
`);

const PROMPT: PackPrompt = {
  id: "assistant",
  name: "Assistant",
  version: "1.0.0",
  system_template: "You are {{assistant_name}} for {{user_name}}.",
  variables: [
    { name: "assistant_name", type: "string", required: false, default: "Omnia" },
    { name: "user_name", type: "string", required: false, default: "you" },
    { name: "ticket", type: "string", required: false },
  ],
  tools: ["get_location", "no_such_tool", "weather"],
  tool_policy: { max_rounds: 2 },
};

const PACK: PackContent = {
  id: "test",
  name: "Test",
  version: "1.0.0",
  template_engine: { version: "v1", syntax: "{{variable}}" },
  prompts: { assistant: PROMPT },
  tools: { no_such_tool: { name: "no_such_tool", description: "A tool no registry serves" } },
};

const HANDLERS: ToolHandler[] = [
  {
    name: "get_location",
    type: "client",
    timeout: "30s",
    tool: { name: "get_location", description: "Where the user is", inputSchema: { type: "object", properties: { precision: { type: "string" } } } },
    clientConfig: { consentMessage: "Share your location?", categories: ["location"] },
  },
  {
    name: "weather",
    type: "http",
    timeout: "30s",
    tool: { name: "weather", description: "Weather", inputSchema: { type: "object" } },
    httpConfig: { endpoint: "http://127.0.0.1:1/weather", method: "POST", contentType: "application/json" },
  },
];

let store: MemorySessionStore;
let engine: ConversationEngine;

function makeEngine(prompt: PackPrompt = PROMPT, clientToolTimeoutMs = 5_000): ConversationEngine {
  return new ConversationEngine({
    store,
    model: new MockLanguageModel({ model: "mock-model", script: SCRIPT }),
    prompt,
    tools: new ToolManager({ prompt, pack: PACK, handlers: HANDLERS, adapters: { client: new ClientToolAdapter() } }),
    agent: { name: "assistant", namespace: "default" },
    pricing: { inputCostPer1K: 1, outputCostPer1K: 2 },
    clientToolTimeoutMs,
    logger: pino({ level: "silent" }),
  });
}

beforeEach(() => {
  store = new MemorySessionStore({ ttlMs: 60_000 });
  engine = makeEngine();
});

afterEach(async () => {
  await store.close();
});

/** Runs a turn to its end, answering each client tool call with `answer` (when given). */
async function runTurn(input: TurnInput, answer?: (call: Extract<TurnEvent, { type: "tool_call" }>) => ClientToolAnswer): Promise<TurnEvent[]> {
  const turn: Turn = engine.startTurn(input);
  const events: TurnEvent[] = [];
  for await (const event of turn) {
    events.push(event);
    if (event.type === "tool_call" && answer) expect(turn.deliverToolResult(event.id, answer(event))).toBe(true);
  }
  return events;
}

const text = (events: TurnEvent[]) => events.flatMap((e) => (e.type === "chunk" ? [e.text] : [])).join("");
const last = (events: TurnEvent[]) => events.at(-1);

describe("ConversationEngine", () => {
  it("streams the answer and ends with one Done carrying the final text and priced usage", async () => {
    const events = await runTurn({ sessionId: "s1", content: "hello there" });
    expect(text(events)).toBe("Turn one answer.");
    expect(events.filter((e) => e.type === "done" || e.type === "error")).toHaveLength(1);
    // system "You are Omnia for you." (5 words) + "hello there" (2) in, 3 words out.
    expect(last(events)).toEqual({ type: "done", finalContent: "Turn one answer.", usage: { inputTokens: 7, outputTokens: 3, costUsd: 0.007 + 0.006 } });
  });

  it("keeps the history across turns, so the next turn is the model's second", async () => {
    await runTurn({ sessionId: "s1", content: "first" });
    const second = await runTurn({ sessionId: "s1", content: "second" });
    expect(last(second)).toMatchObject({ type: "done", finalContent: "Turn two answer." });
    const { conversation } = await store.loadConversation({ id: "s1", agentName: "assistant", namespace: "default" });
    expect(conversation.messages.map((m) => [m.role, m.content])).toEqual([
      ["user", "first"],
      ["assistant", "Turn one answer."],
      ["user", "second"],
      ["assistant", "Turn two answer."],
    ]);
    expect(conversation.meta.turnCount).toBe(2);
  });

  it("runs a client tool round trip and stores the call, its result and the answer", async () => {
    const events = await runTurn({ sessionId: "s2", content: "where am I?", metadata: { mock_scenario: "tools" } }, () => ({
      rejected: false,
      resultJson: '{"city":"Paris"}',
    }));
    const call = events.find((e) => e.type === "tool_call");
    expect(call).toMatchObject({
      type: "tool_call",
      name: "get_location",
      argumentsJson: '{"precision":"city"}',
      consentMessage: "Share your location?",
      categories: ["location"],
      execution: "client",
    });
    expect(last(events)).toMatchObject({ type: "done", finalContent: "Thanks, I see where you are." });
    const { conversation } = await store.loadConversation({ id: "s2", agentName: "assistant", namespace: "default" });
    expect(conversation.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    const [user, request, result] = conversation.messages;
    expect(user?.metadata).toEqual({ mock_scenario: "tools" });
    expect(request?.toolCalls).toEqual([{ id: call?.type === "tool_call" ? call.id : "", name: "get_location", argumentsJson: '{"precision":"city"}' }]);
    expect(result).toMatchObject({ toolCallId: request?.toolCalls?.[0]?.id, content: '{"city":"Paris"}' });
  });

  it("feeds a rejected client tool back to the model as an error result, and the turn goes on", async () => {
    const events = await runTurn({ sessionId: "s3", content: "where?", metadata: { mock_scenario: "tools" } }, () => ({
      rejected: true,
      reason: "user declined",
    }));
    expect(last(events)).toMatchObject({ type: "done", finalContent: "Thanks, I see where you are." });
    const { conversation } = await store.loadConversation({ id: "s3", agentName: "assistant", namespace: "default" });
    expect(conversation.messages[2]).toMatchObject({ role: "tool", content: '{"error":"user declined"}' });
  });

  it("treats a client that never answers as a rejection once the runtime's bound passes", async () => {
    engine = makeEngine(PROMPT, 50);
    const events = await runTurn({ sessionId: "s4", content: "where?", metadata: { mock_scenario: "tools" } });
    expect(last(events)).toMatchObject({ type: "done" });
    const { conversation } = await store.loadConversation({ id: "s4", agentName: "assistant", namespace: "default" });
    expect(conversation.messages[2]?.content).toMatch(/did not answer/);
  });

  it("refuses a tool result for a call that is not pending", async () => {
    const turn = engine.startTurn({ sessionId: "s5", content: "hi" });
    expect(turn.deliverToolResult("call_nope", { rejected: false, resultJson: "{}" })).toBe(false);
    for await (const _ of turn) void _;
  });

  it("ends the turn with TOOL_FAILED for a tool without a handler, and saves nothing of it", async () => {
    await runTurn({ sessionId: "s6", content: "first" });
    const events = await runTurn({ sessionId: "s6", content: "call it", metadata: { mock_scenario: "unknown_tool" } });
    expect(last(events)).toEqual({ type: "error", code: "TOOL_FAILED", message: expect.stringContaining('"no_such_tool" has no handler') });
    expect(events.filter((e) => e.type === "done" || e.type === "error")).toHaveLength(1);
    const { conversation } = await store.loadConversation({ id: "s6", agentName: "assistant", namespace: "default" });
    expect(conversation.messages.map((m) => m.content)).toEqual(["first", "Turn one answer."]);
  });

  it("ends the turn with TOOL_FAILED for a handler type without an adapter yet", async () => {
    const events = await runTurn({ sessionId: "s7", content: "weather?", metadata: { mock_scenario: "http_tool" } });
    expect(last(events)).toMatchObject({ type: "error", code: "TOOL_FAILED", message: expect.stringContaining("http handler") });
  });

  it("stops a model that keeps calling tools past tool_policy.max_rounds", async () => {
    const events = await runTurn({ sessionId: "s8", content: "loop", metadata: { mock_scenario: "loop" } }, () => ({ rejected: false, resultJson: "{}" }));
    expect(events.filter((e) => e.type === "tool_call")).toHaveLength(2);
    expect(last(events)).toMatchObject({ type: "error", code: "TOOL_FAILED", message: expect.stringContaining("max_rounds") });
    expect(await store.getSession("s8")).toMatchObject({ turnCount: 0 });
  });

  it("fails with INVALID_MESSAGE when a required prompt variable is missing", async () => {
    const strict: PackPrompt = { ...PROMPT, variables: [{ name: "user_name", type: "string", required: true }] };
    engine = makeEngine(strict);
    const events = await runTurn({ sessionId: "s9", content: "hi" });
    expect(events).toEqual([{ type: "error", code: "INVALID_MESSAGE", message: expect.stringContaining('"user_name"') }]);
    const ok = await runTurn({ sessionId: "s9", content: "hi", metadata: { user_name: "Ada" } });
    expect(last(ok)).toMatchObject({ type: "done" });
  });

  it("aborts the model stream when the caller goes away, and saves nothing", async () => {
    const slow = new ConversationEngine({
      store,
      model: new MockLanguageModel({ model: "m", script: parseMockScript("defaultResponse: a b c d e f g h i j k l m n o p"), chunkDelayMs: 20 }),
      prompt: PROMPT,
      tools: new ToolManager({ prompt: PROMPT, pack: PACK, handlers: [], adapters: {} }),
      agent: { name: "assistant", namespace: "default" },
      pricing: { inputCostPer1K: 0, outputCostPer1K: 0 },
      clientToolTimeoutMs: 1_000,
      logger: pino({ level: "silent" }),
    });
    const abort = new AbortController();
    const events: TurnEvent[] = [];
    for await (const event of slow.startTurn({ sessionId: "s10", content: "hi", signal: abort.signal })) {
      events.push(event);
      if (events.length === 2) abort.abort();
    }
    expect(events.filter((e) => e.type === "chunk").length).toBeLessThan(5);
    expect(last(events)).toMatchObject({ type: "error" });
    expect(await store.getSession("s10")).toMatchObject({ turnCount: 0 });
  });

  it("runs function mode on an empty history without touching the store", async () => {
    await runTurn({ sessionId: "f1", content: "first" });
    const events = await runTurn({ sessionId: "f1", content: "again", mode: "function" });
    expect(last(events)).toMatchObject({ type: "done", finalContent: "Turn one answer." });
    expect(await store.getSession("f1")).toMatchObject({ turnCount: 1 });
    const tools = await runTurn({ sessionId: "f2", content: "where?", mode: "function", metadata: { mock_scenario: "tools" } });
    expect(last(tools)).toMatchObject({ type: "error", code: "TOOL_FAILED", message: expect.stringContaining("no client") });
    expect(await store.getSession("f2")).toBeNull();
  });
});
