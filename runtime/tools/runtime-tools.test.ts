// The runtime as it starts from tools.yaml: an MCP handler's tools discovered at start, a model's
// call to one run server-side, a bad call told to the model, and the server process gone on stop.
import { execFileSync } from "node:child_process";
import { create } from "@bufbuild/protobuf";
import { Metadata } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientMessageSchema, type ServerMessage } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { createRuntimeStub, type RuntimeStub } from "../../shared/rpc/runtime-stub.js";
import { MemorySessionStore } from "../../shared/session/memory-session-store.js";
import { EVERYTHING_STDIO } from "../../test/helpers/tool-servers/mcp-everything.js";
import { startRuntimeWithFiles } from "../../test/helpers/tool-servers/runtime-with-files.js";
import type { RunningRuntime } from "../start-runtime.js";

const PACK_JSON = JSON.stringify({
  id: "tools-test",
  name: "Tools test",
  version: "1.0.0",
  template_engine: { version: "v1", syntax: "{{variable}}" },
  prompts: { assistant: { id: "assistant", name: "Assistant", version: "1.0.0", system_template: "Be brief.", tools: ["echo", "get-sum"] } },
});

const TOOLS_YAML = JSON.stringify({
  handlers: [{ name: "everything", type: "mcp", mcpConfig: { transport: "stdio", ...EVERYTHING_STDIO, toolFilter: { allowlist: ["echo", "get-sum"] } } }],
});

const MOCK_YAML = `
scenarios:
  echo:
    turns:
      1: { type: tool_calls, tool_calls: [{ name: echo, arguments: { message: hello from the model } }] }
      2: "Done echoing."
  bad-args:
    turns:
      1: { type: tool_calls, tool_calls: [{ name: get-sum, arguments: { a: 1 } }] }
      2: "I will ask again."
`;

let runtime: RunningRuntime;
let client: RuntimeStub;
const store = new MemorySessionStore({ ttlMs: 60_000 });

beforeAll(async () => {
  runtime = await startRuntimeWithFiles({ packJson: PACK_JSON, toolsYaml: TOOLS_YAML, mockYaml: MOCK_YAML }, store);
  client = createRuntimeStub(runtime.grpcAddress);
}, 30_000);

afterAll(async () => {
  client?.close();
  await runtime?.stop(1_000);
  await store.close();
});

async function converse(sessionId: string, scenario: string): Promise<ServerMessage["message"][]> {
  const md = new Metadata();
  md.set("x-omnia-agent-name", "assistant");
  md.set("x-omnia-namespace", "default");
  md.set("x-omnia-session-id", sessionId);
  const call = client.converse(md);
  call.write(create(ClientMessageSchema, { sessionId, content: "go", metadata: { mock_scenario: scenario } }));
  const received: ServerMessage["message"][] = [];
  for await (const server of call as AsyncIterable<ServerMessage>) {
    received.push(server.message);
    if (server.message.case === "done" || server.message.case === "error") call.end();
  }
  return received;
}

async function toolMessages(sessionId: string): Promise<string[]> {
  const { conversation } = await store.loadConversation({ id: sessionId, agentName: "assistant", namespace: "default" });
  return conversation.messages.filter((m) => m.role === "tool").map((m) => m.content);
}

function childServers(): string[] {
  const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return out.split("\n").filter((line) => line.includes("server-everything"));
}

describe("runtime with an MCP ToolRegistry handler", () => {
  it("runs the model's MCP tool call server-side and feeds the result back", async () => {
    const messages = await converse("t1", "echo");
    expect(messages.at(-1)).toMatchObject({ case: "done", value: { finalContent: "Done echoing." } });
    expect(await toolMessages("t1")).toEqual(['"Echo: hello from the model"']);
  });

  it("tells the model about arguments that do not fit the tool's schema, and the turn goes on", async () => {
    const messages = await converse("t2", "bad-args");
    expect(messages.at(-1)).toMatchObject({ case: "done", value: { finalContent: "I will ask again." } });
    const [result] = await toolMessages("t2");
    expect(JSON.parse(result ?? "{}")).toEqual({ error: expect.stringContaining('"b" is required') });
  });

  it("ends the MCP server process when the runtime stops", async () => {
    expect(childServers()).toHaveLength(1);
    await runtime.stop(1_000);
    expect(childServers()).toEqual([]);
  });
});
