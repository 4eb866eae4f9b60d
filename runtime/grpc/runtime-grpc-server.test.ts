// The real runtime (startRuntime: pack, tools, mock, store, gRPC and health servers) on free ports,
// driven by a real grpc-js client.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Metadata, status } from "@grpc/grpc-js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ClientMessageSchema,
  ClientToolResultSchema,
  ContentPartSchema,
  HasConversationRequestSchema,
  HealthRequestSchema,
  InvocationRequestSchema,
  ResumeState,
  ToolExecution,
  type ClientMessage,
  type ServerMessage,
} from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { CONTRACT_VERSION } from "../../shared/rpc/runtime-service.js";
import { createRuntimeStub, type RuntimeStub, type UnaryCallback } from "../../shared/rpc/runtime-stub.js";
import { MemorySessionStore } from "../../shared/session/memory-session-store.js";
import { freePort } from "../../test/helpers/free-port.js";
import { parseRuntimeConfig } from "../config.js";
import { startRuntime, type RunningRuntime } from "../start-runtime.js";



const PACK_JSON = JSON.stringify({
  id: "grpc-test",
  name: "gRPC test",
  version: "1.0.0",
  template_engine: { version: "v1", syntax: "{{variable}}" },
  prompts: {
    assistant: {
      id: "assistant",
      name: "Assistant",
      version: "1.0.0",
      system_template: "You are {{assistant_name}}.",
      variables: [{ name: "assistant_name", type: "string", required: false, default: "Omnia" }],
      tools: ["get_location"],
    },
  },
});

const TOOLS_YAML = `
handlers:
  - name: get_location
    type: client
    tool:
      name: get_location
      description: Where the user is
      inputSchema: { type: object, properties: { precision: { type: string } } }
    clientConfig:
      consentMessage: Share your location?
      categories: [location]
`;

const MOCK_YAML = `
defaultResponse: Global default answer.
scenarios:
  default:
    turns:
      1: "Turn one answer: alpha bravo."
      2: "Turn two answer."
  tools:
    turns:
      1: { type: tool_calls, tool_calls: [{ name: get_location, arguments: { precision: city } }] }
      2: "Thanks, I see where you are."
`;

let dir: string;
let runtime: RunningRuntime;
let client: RuntimeStub;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "omnia-runtime-grpc-"));
  await writeFile(join(dir, "pack.json"), PACK_JSON);
  await writeFile(join(dir, "tools.yaml"), TOOLS_YAML);
  await writeFile(join(dir, "mock.yaml"), MOCK_YAML);
  const config = parseRuntimeConfig({
    OMNIA_AGENT_NAME: "assistant",
    OMNIA_GRPC_PORT: String(await freePort()),
    OMNIA_HEALTH_PORT: String(await freePort()),
    OMNIA_PROMPTPACK_PATH: dir,
    OMNIA_TOOLS_CONFIG_PATH: join(dir, "tools.yaml"),
    OMNIA_MOCK_CONFIG_PATH: join(dir, "mock.yaml"),
    OMNIA_PROVIDER_INPUT_COST_PER_1K: "0.001",
    OMNIA_PROVIDER_OUTPUT_COST_PER_1K: "0.002",
  });
  runtime = await startRuntime(config, pino({ level: "silent" }));
  client = createRuntimeStub(runtime.grpcAddress);
});

afterAll(async () => {
  client?.close();
  await runtime?.stop(1_000);
  if (dir) await rm(dir, { recursive: true, force: true });
});

function identity(sessionId: string): Metadata {
  const md = new Metadata();
  md.set("x-omnia-agent-name", "assistant");
  md.set("x-omnia-namespace", "default");
  md.set("x-omnia-session-id", sessionId);
  return md;
}

/** Sends the turn's message, answers tool calls with `onToolCall`, and collects the stream to its end. */
async function converse(
  message: MessageInitShape<typeof ClientMessageSchema>,
  onToolCall?: (call: Extract<ServerMessage["message"], { case: "toolCall" }>["value"]) => ClientMessage["clientToolResult"],
): Promise<ServerMessage["message"][]> {
  const call = client.converse(identity(message.sessionId ?? ""));
  call.write(create(ClientMessageSchema, message));
  const received: ServerMessage["message"][] = [];
  for await (const server of call as AsyncIterable<ServerMessage>) {
    received.push(server.message);
    if (server.message.case === "toolCall" && onToolCall) {
      call.write(create(ClientMessageSchema, { clientToolResult: onToolCall(server.message.value) }));
    }
    // As the facade does once it has the turn's end: the runtime then ends the call at once.
    if (server.message.case === "done" || server.message.case === "error") call.end();
  }
  return received;
}

function unary<Req, Res>(
  fn: (request: Req, metadata: Metadata, options: object, callback: UnaryCallback<Res>) => void,
  request: Req,
): Promise<Res> {
  return new Promise((resolve, reject) =>
    fn.call(client, request, new Metadata(), {}, (err, value) => (err || !value ? reject(err ?? new Error("no response")) : resolve(value))),
  );
}

const chunksOf = (messages: ServerMessage["message"][]) => messages.flatMap((m) => (m.case === "chunk" ? [m.value.content] : []));

describe("runtime gRPC server", () => {
  it("Health reports serving with the contract version and capabilities", async () => {
    const health = await unary(client.health, create(HealthRequestSchema, {}));
    expect(health).toMatchObject({ healthy: true, status: "SERVING", contractVersion: CONTRACT_VERSION, capabilities: ["client_tools", "invoke"] });
  });

  it("serves /healthz and /readyz over HTTP", async () => {
    const base = `http://127.0.0.1:${runtime.healthPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it("Converse streams chunks, then one Done, then ends; HasConversation sees the session only afterwards", async () => {
    const before = await unary(client.hasConversation, create(HasConversationRequestSchema, { sessionId: "g1" }));
    expect(before.state).toBe(ResumeState.NOT_FOUND);

    const messages = await converse({ sessionId: "g1", content: "hello" });
    expect(chunksOf(messages)).toEqual(["Turn ", "one ", "answer: ", "alpha ", "bravo."]);
    const end = messages.at(-1);
    expect(end?.case).toBe("done");
    expect(messages.filter((m) => m.case === "done" || m.case === "error")).toHaveLength(1);
    if (end?.case !== "done") throw new Error("no done");
    expect(end.value.finalContent).toBe("Turn one answer: alpha bravo.");
    // "You are Omnia." (3) + "hello" (1) in, 5 words out.
    expect(end.value.usage).toMatchObject({ inputTokens: 4, outputTokens: 5 });
    expect(end.value.usage?.costUsd).toBeCloseTo((4 / 1000) * 0.001 + (5 / 1000) * 0.002, 9);

    const after = await unary(client.hasConversation, create(HasConversationRequestSchema, { sessionId: "g1" }));
    expect(after.state).toBe(ResumeState.RESUMABLE);

    const second = await converse({ sessionId: "g1", content: "and again" });
    expect(second.at(-1)).toMatchObject({ case: "done", value: { finalContent: "Turn two answer." } });
  });

  it("Converse round-trips a client tool call", async () => {
    const messages = await converse({ sessionId: "g2", content: "where am I?", metadata: { mock_scenario: "tools" } }, (call) =>
      create(ClientToolResultSchema, { callId: call.id, resultJson: '{"city":"Paris"}' }),
    );
    const toolCall = messages.find((m) => m.case === "toolCall");
    expect(toolCall?.value).toMatchObject({
      name: "get_location",
      argumentsJson: '{"precision":"city"}',
      execution: ToolExecution.CLIENT,
      consentMessage: "Share your location?",
      categories: ["location"],
    });
    expect(messages.at(-1)).toMatchObject({ case: "done", value: { finalContent: "Thanks, I see where you are." } });
  });

  it("Converse answers a message without session_id or content with INVALID_MESSAGE", async () => {
    expect(await converse({ content: "hi" })).toEqual([{ case: "error", value: expect.objectContaining({ code: "INVALID_MESSAGE" }) }]);
    expect(await converse({ sessionId: "g3" })).toEqual([
      { case: "error", value: expect.objectContaining({ code: "INVALID_MESSAGE", message: expect.stringContaining("neither content nor parts") }) },
    ]);
  });

  it("Converse takes the text of parts when there is no content", async () => {
    const messages = await converse({ sessionId: "g4", parts: [create(ContentPartSchema, { type: "text", text: "hi" })] });
    expect(messages.at(-1)?.case).toBe("done");
  });

  it("Invoke runs one unsaved turn and returns the answer as a JSON string", async () => {
    const response = await unary(client.invoke, create(InvocationRequestSchema, { inputJson: JSON.stringify("hello"), invocationId: "inv-1" }));
    expect(response.invocationId).toBe("inv-1");
    expect(JSON.parse(response.outputJson)).toBe("Turn one answer: alpha bravo.");
    expect(response.usage).toMatchObject({ inputTokens: 4, outputTokens: 5 });
    expect(response.durationMs).toBeGreaterThanOrEqual(0n);
    const has = await unary(client.hasConversation, create(HasConversationRequestSchema, { sessionId: "inv-1" }));
    expect(has.state).toBe(ResumeState.NOT_FOUND);
  });

  it("Invoke passes non-string JSON input as its text, and rejects input that is not JSON", async () => {
    const response = await unary(client.invoke, create(InvocationRequestSchema, { inputJson: '{"question": "why"}' }));
    expect(response.invocationId).not.toBe("");
    await expect(unary(client.invoke, create(InvocationRequestSchema, { inputJson: "not json" }))).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining("INVALID_MESSAGE"),
    });
  });
});

describe("runtime gRPC server, mid-turn", () => {
  async function slowRuntime(store: MemorySessionStore) {
    await writeFile(join(dir, "slow.yaml"), 'defaultResponse: "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20"');
    const config = parseRuntimeConfig({
      OMNIA_AGENT_NAME: "assistant",
      OMNIA_GRPC_PORT: String(await freePort()),
      OMNIA_HEALTH_PORT: String(await freePort()),
      OMNIA_PROMPTPACK_PATH: dir,
      OMNIA_TOOLS_CONFIG_PATH: join(dir, "tools.yaml"),
      OMNIA_MOCK_CONFIG_PATH: join(dir, "slow.yaml"),
      OMNIA_MOCK_CHUNK_DELAY_MS: "25",
    });
    return startRuntime(config, pino({ level: "silent" }), { store });
  }

  /** Starts a turn on the slow runtime and calls `act` once two chunks have arrived. */
  async function twoChunksThen(address: string, act: (call: ReturnType<ReturnType<typeof createRuntimeStub>["converse"]>) => void) {
    const client = createRuntimeStub(address);
    const call = client.converse(identity("c1"));
    call.on("error", () => {});
    call.write(create(ClientMessageSchema, { sessionId: "c1", content: "hi" }));
    const chunks: string[] = [];
    await new Promise<void>((resolve) => {
      call.on("data", (message: ServerMessage) => {
        if (message.message.case === "chunk") chunks.push(message.message.value.content);
        if (chunks.length === 2) {
          act(call);
          resolve();
        }
      });
    });
    return { client, chunks };
  }

  it("stops the turn when the caller sends cancel (the client hung up), and saves nothing of it", async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000 });
    const slow = await slowRuntime(store);
    const { client, chunks } = await twoChunksThen(slow.grpcAddress, (call) => {
      call.write(create(ClientMessageSchema, { cancel: true }));
      call.end();
    });
    try {
      // Longer than the rest of the answer would take to stream.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(chunks).toEqual(["w1 ", "w2 "]);
      expect(await store.getSession("c1")).toMatchObject({ turnCount: 0 });
    } finally {
      client.close();
      await slow.stop(1_000);
      await store.close();
    }
  });

  it("finishes and saves the turn when the caller's stream breaks without cancel (its facade died)", async () => {
    const store = new MemorySessionStore({ ttlMs: 60_000 });
    const slow = await slowRuntime(store);
    const { client } = await twoChunksThen(slow.grpcAddress, (call) => call.cancel());
    try {
      const deadline = Date.now() + 5_000;
      while ((await store.getSession("c1"))?.turnCount !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const { conversation } = await store.loadConversation({ id: "c1", agentName: "assistant", namespace: "default" });
      expect(conversation.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
      expect(conversation.messages[1]?.content).toBe("w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20");
    } finally {
      client.close();
      await slow.stop(1_000);
      await store.close();
    }
  });
});
