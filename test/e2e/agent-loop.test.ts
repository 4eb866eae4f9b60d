// One agent turn end to end, every part real: a WebSocket client, the Node facade and the runtime as
// processes (local mode on the user's manifests), an openai Provider talking to a local server that
// speaks OpenAI's Chat Completions SSE, and server-everything's MCP tools over stdio. The model's
// first answer is a streamed tool call, its second the final answer built from the tool's result.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerFrame } from "../../shared/protocol/server-frames.js";
import { AGENT_API_KEY, MODEL, PRICING, startProviderAgentStack, type ProviderAgentStack } from "../helpers/provider-agent-stack.js";
import { ProtocolClient } from "../helpers/protocol-client.js";
import { type ScriptedAnswer, startChatCompletionsServer } from "../helpers/provider-servers/chat-completions-server.js";
import { isObject, type ProviderServer, USAGE } from "../helpers/provider-servers/provider-server.js";

let provider: ProviderServer;
let agent: ProviderAgentStack;

/**
 * The model: after a tool result it quotes it; otherwise the user's message names what it calls:
 * "echo <text>" one echo, "twice <text>" two echo calls in one step, "sum" the blocklisted get-sum.
 */
function model(body: Record<string, unknown>): ScriptedAnswer | undefined {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const last: unknown = messages.at(-1);
  if (!isObject(last)) return undefined;
  if (last.role === "tool") return { text: ["The tool ", "said: ", String(last.content), "."] };
  const text = typeof last.content === "string" ? last.content : "";
  const echo = (id: string, message: string) => ({ id, name: "echo", argumentsJson: JSON.stringify({ message }) });
  if (text.startsWith("echo ")) return { toolCalls: [echo("call_echo", text.slice(5))] };
  if (text.startsWith("twice ")) return { toolCalls: [echo("call_a", text.slice(6)), echo("call_b", text.slice(6))] };
  if (text === "sum") return { toolCalls: [{ id: "call_sum", name: "get-sum", argumentsJson: '{"a":1,"b":2}' }] };
  return undefined;
}

beforeAll(async () => {
  provider = await startChatCompletionsServer({ flavour: "openai", apiKey: AGENT_API_KEY, script: model });
  agent = await startProviderAgentStack(provider.baseURL, { tools: ["echo", "get-sum"], blocklist: ["get-sum"], maxToolCallsPerTurn: 1 });
}, 90_000);

afterAll(async () => {
  await agent?.stop();
  await provider?.close();
});

/** Opens a session, sends one message, and returns the turn's frames and the requests the model got for it. */
async function converse(content: string) {
  const client = await ProtocolClient.connect(agent.wsUrl);
  try {
    const hello = await client.next("connected");
    const before = provider.requests.length;
    client.send({ type: "message", session_id: hello.session_id, content });
    const turn = await client.turn(30_000);
    return { ...turn, all: client.frames, invalid: client.invalidFrames, requests: provider.requests.slice(before) };
  } finally {
    client.close();
    await client.waitClosed();
  }
}

const errors = (frames: ServerFrame[]) => frames.filter((f) => f.type === "error");

describe("an agent turn through the facade with an MCP tool", () => {
  it("runs the model's streamed tool call on server-everything, gives the result back to the model, and streams the priced answer", async () => {
    const turn = await converse("echo hello from the user");

    const answer = 'The tool said: "Echo: hello from the user".';
    const chunks = turn.frames.filter((f) => f.type === "chunk").map((f) => f.content ?? "");
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join("")).toBe(answer);
    const cost = ((2 * USAGE.inputTokens) / 1000) * PRICING.inputCostPer1K + ((2 * USAGE.outputTokens) / 1000) * PRICING.outputCostPer1K;
    expect(turn.end).toMatchObject({ type: "done", usage: { input_tokens: 2 * USAGE.inputTokens, output_tokens: 2 * USAGE.outputTokens } });
    // Priced by the runtime, carried as a 32-bit float, read back by the facade to the same decimal.
    expect(turn.end.type === "done" && turn.end.usage?.cost_usd).toBe(Number(cost.toPrecision(7)));
    expect(errors(turn.all)).toEqual([]);
    expect(turn.invalid).toEqual([]);

    // Two model calls: the first offered the prompt's tools (not the blocklisted one), the second carried the tool's result.
    expect(turn.requests).toHaveLength(2);
    const [first, second] = turn.requests.map((r) => r.body as Record<string, unknown>);
    expect(first).toMatchObject({ model: MODEL, stream: true });
    expect((first?.tools as Array<{ function: { name: string } }>).map((t) => t.function.name)).toEqual(["echo"]);
    expect(turn.requests[0]?.headers.authorization).toBe(`Bearer ${AGENT_API_KEY}`);
    const messages = second?.messages as Array<Record<string, unknown>>;
    expect(messages.at(-2)).toMatchObject({ role: "assistant", tool_calls: [{ id: "call_echo", function: { name: "echo" } }] });
    expect(messages.at(-1)).toMatchObject({ role: "tool", tool_call_id: "call_echo", content: expect.stringContaining("Echo: hello from the user") });
  });

  it("ends the turn with TOOL_FAILED naming the blocklist when the model calls a blocked tool, without running it", async () => {
    const turn = await converse("sum");
    expect(turn.end).toMatchObject({ type: "error", error: { code: "TOOL_FAILED", message: expect.stringContaining('"get-sum" is blocked') } });
    expect(turn.requests).toHaveLength(1);
    expect(turn.frames.filter((f) => f.type === "done")).toEqual([]);
  });

  it("ends the turn with TOOL_FAILED naming max_tool_calls_per_turn when one step asks for more calls", async () => {
    const turn = await converse("twice hi");
    expect(turn.end).toMatchObject({ type: "error", error: { code: "TOOL_FAILED", message: expect.stringContaining("max_tool_calls_per_turn (1)") } });
    expect(turn.requests).toHaveLength(1);
  });

  it("still answers a plain message after the failed turns", async () => {
    const turn = await converse("hello");
    expect(turn.end).toMatchObject({ type: "done", content: "The answer is 42." });
    expect(errors(turn.all)).toEqual([]);
  });
});
