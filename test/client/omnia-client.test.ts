// The protocol client against a real facade and runtime (the example manifests, as `npm start` runs
// them): streamed turns, client-side tools whose answers reach the model, frames it cannot read,
// refused messages, and closing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../deploy/local/child-process.js";
import { startLocalStack, type LocalStack } from "../../deploy/local/local-stack.js";
import { OMNIA_CLIENT_JS } from "../../facade/core/gen/omnia-client-bundle.js";
import {
  OmniaClient,
  OmniaTurnError,
  type InvalidFrame,
  type OmniaClientOptions,
  type OmniaError,
  type ToolAnswer,
  type ToolCall,
} from "../../shared/client/index.js";
import { scriptedTurn } from "./scripted-turn.js";

const EXAMPLES = join(REPO_ROOT, "deploy/examples");
const scripted = (scenario: string, turn: number) => scriptedTurn(EXAMPLES, "mock-scenarios.yaml", scenario, turn);
const ACK_TIMEOUT_MS = 300;

let stack: LocalStack;
let stateDir: string;
const clients: OmniaClient[] = [];
const invalid: InvalidFrame[] = [];
const lone: OmniaError[] = [];

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "omnia-client-"));
  stack = await startLocalStack({
    manifestsDir: EXAMPLES,
    port: 0,
    stateDir,
    runtimeEnv: { OMNIA_MOCK_CHUNK_DELAY_MS: "5" },
    // Short, so that a tool answer slower than this shows whether the client acknowledged the call.
    facadeEnv: { OMNIA_CLIENT_TOOL_ACK_TIMEOUT: `${ACK_TIMEOUT_MS}ms` },
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  invalid.length = 0;
  lone.length = 0;
});

afterAll(async () => {
  await stack?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

function client(options: Partial<OmniaClientOptions> = {}): OmniaClient {
  const c = new OmniaClient({ url: `${stack.url}ws`, agent: "assistant", ...options });
  c.on("invalidFrame", (f) => invalid.push(f));
  c.on("error", (e) => lone.push(e));
  clients.push(c);
  return c;
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

describe("OmniaClient against the local stack", () => {
  it("streams a turn whose chunks add up to the done content, and continues the session", async () => {
    const c = client();
    const states: string[] = [];
    c.on("state", (s) => states.push(s.state));
    await c.connect();
    expect(c.sessionId).toMatch(/^[0-9a-f-]{36}$/);

    const turn = c.send("Hello there");
    const heard: string[] = [];
    turn.onChunk((text) => heard.push(text));
    const iterated: string[] = [];
    for await (const text of turn) iterated.push(text);
    const done = await turn.done;

    expect(done.content).toBe(scripted("default", 1));
    expect(iterated.join("")).toBe(done.content);
    expect(iterated.length).toBe(words(done.content));
    expect(heard).toEqual(iterated);
    expect(done.usage).toMatchObject({ output_tokens: iterated.length, input_tokens: expect.any(Number) });
    expect(done.turnId).toBe(turn.turnId);
    // seq counts the session's turn frames: every chunk, then the done.
    expect(c.lastSeq).toBe(iterated.length + 1);

    const second = await c.send("Tell me more").done;
    expect(second.content).toBe(scripted("default", 2));
    expect(second.turnId).not.toBe(done.turnId);
    expect(c.lastSeq).toBe(iterated.length + 1 + words(second.content) + 1);
    expect(states).toEqual(["connecting", "open"]);
    expect(invalid).toEqual([]);
    expect(lone).toEqual([]);
  });

  it("runs get_location through onToolCall, and the answer (or refusal) is what the model reads", async () => {
    const calls: ToolCall[] = [];
    const answers: ToolAnswer[] = [
      { result: { city: "Lisbon" } },
      { result: { note: Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ") } },
      { error: "the user denied the location request" },
    ];
    const runs = answers.map(async (answer) => {
      const c = client({
        onToolCall: async (call) => {
          calls.push(call);
          // Slower than the ack timeout: only an acknowledged call is still waiting for this answer.
          await new Promise((r) => setTimeout(r, ACK_TIMEOUT_MS * 2));
          return answer;
        },
      });
      await c.connect();
      return c.send("Where am I?", { metadata: { mock_scenario: "tools" } }).done;
    });
    const dones = await Promise.all(runs);

    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call).toEqual({
        id: expect.any(String),
        name: "get_location",
        arguments: { precision: "city" },
        consentMessage: "Share your location with the assistant?",
        categories: ["location"],
      });
    }
    for (const done of dones) expect(done.content).toBe(scripted("tools", 2));
    // The mock counts the words of everything it is sent, tool results included: the input tokens
    // differ by exactly the words of the tool message each client's answer became.
    const toolMessage = (a: ToolAnswer) => JSON.stringify("error" in a ? { error: a.error } : a.result);
    const input = dones.map((d) => d.usage?.input_tokens ?? Number.NaN);
    const [first, ...others] = answers.map((a) => words(toolMessage(a)));
    expect(input.slice(1).map((n) => n - (input[0] ?? 0))).toEqual(others.map((w) => w - (first ?? 0)));
    expect(lone).toEqual([]);
  });

  it("declines a tool call when it has no handler, and the turn goes on", async () => {
    const c = client();
    await c.connect();
    const started = Date.now();
    const done = await c.send("Where am I?", { metadata: { mock_scenario: "tools" } }).done;
    expect(done.content).toBe(scripted("tools", 2));
    // Declined at once, not rejected by the facade's ack timeout.
    expect(Date.now() - started).toBeLessThan(ACK_TIMEOUT_MS + 1_000);
  });

  it("reports frames it cannot read and carries on", async () => {
    const bad: unknown[] = [
      "{not json",
      JSON.stringify({ type: "upload_ready", timestamp: new Date().toISOString(), upload_ready: {} }),
      JSON.stringify({ type: "chunk", timestamp: new Date().toISOString(), session_id: "s", content: 5, seq: 1, turn_id: "t" }),
      new ArrayBuffer(3),
    ];
    // A real socket to the real facade that also delivers a few bad frames, as a broken proxy might.
    class NoisyWebSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        this.addEventListener("open", () => {
          for (const data of bad) this.dispatchEvent(new MessageEvent("message", { data }));
        });
      }
    }
    const c = client({ WebSocket: NoisyWebSocket });
    await c.connect();
    const done = await c.send("Hello there").done;
    expect(done.content).toBe(scripted("default", 1));
    expect(invalid.map((f) => f.problem)).toEqual([
      "frame is not valid JSON",
      'unknown frame type "upload_ready"',
      expect.stringContaining("chunk.content"),
      expect.stringContaining("binary frame"),
    ]);
    expect(invalid[0]?.raw).toBe("{not json");
    expect(lone).toEqual([]);
  });

  it("rejects a turn whose message the server refuses, with the server's code", async () => {
    const c = client();
    await c.connect();
    const refused = c.send("");
    await expect(refused.done).rejects.toMatchObject({ name: "OmniaTurnError", code: "INVALID_MESSAGE", turnId: undefined });
    await expect(refused.done).rejects.toBeInstanceOf(OmniaTurnError);
    // The iterator ends with the same error.
    await expect((async () => { for await (const _ of refused); })()).rejects.toMatchObject({ code: "INVALID_MESSAGE" });
    expect((await c.send("Hello there").done).content).toBe(scripted("default", 1));
  });

  it("refuses a second message while a turn is in flight, and finishes the first", async () => {
    const c = client();
    await c.connect();
    const first = c.send("Hello there");
    const second = c.send("And another thing");
    await expect(second.done).rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect((await first.done).content).toBe(scripted("default", 1));
  });

  it("hangs up on close(): the turn in flight fails with CLIENT_CLOSED and nothing reconnects", async () => {
    const c = client();
    const states: string[] = [];
    c.on("state", (s) => states.push(s.state));
    await c.connect();
    const turn = c.send("Hello there");
    await expect.poll(() => turn.text.length).toBeGreaterThan(0);
    await c.close();
    await expect(turn.done).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    await new Promise((r) => setTimeout(r, 300));
    expect(states).toEqual(["connecting", "open", "closed"]);
    await expect(c.send("Still there?").done).rejects.toMatchObject({ code: "NOT_CONNECTED" });
  });

  it("is served to browsers, bundled, at /omnia-client.js", async () => {
    const res = await fetch(`${stack.url}omnia-client.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await res.text()).toBe(OMNIA_CLIENT_JS);
  });

  it("gives up on a first connection the server refuses, saying so", async () => {
    const c = client({ agent: "no-such-agent" });
    const states: string[] = [];
    c.on("state", (s) => states.push(s.state));
    await expect(c.connect()).rejects.toMatchObject({ code: "NOT_CONNECTED", message: expect.stringContaining("could not connect") });
    expect(states).toEqual(["connecting", "closed"]);
  });
});
