// Turns that end with an error, through the protocol client, on the conformance suite's agents: the
// turn's `done` rejects with the turn-ending error (code, message, turn id) and the session goes on.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../deploy/local/child-process.js";
import { startLocalStack, type LocalStack } from "../../deploy/local/local-stack.js";
import { OmniaClient, type ServerFrame } from "../../shared/client/index.js";
import { scriptedTurn } from "./scripted-turn.js";

const MANIFESTS = join(REPO_ROOT, "test/fixtures/conformance");

let stack: LocalStack;
let stateDir: string;
const clients: OmniaClient[] = [];

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "omnia-client-errors-"));
  stack = await startLocalStack({ manifestsDir: MANIFESTS, port: 0, stateDir });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await stack?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

async function connected(agent: string): Promise<{ client: OmniaClient; frames: ServerFrame[] }> {
  const client = new OmniaClient({ url: `${stack.url}ws`, agent });
  const frames: ServerFrame[] = [];
  client.on("frame", ({ frame }) => frames.push(frame));
  clients.push(client);
  await client.connect();
  return { client, frames };
}

describe("turn-ending errors through OmniaClient", () => {
  it("rejects a turn whose tool no registry serves with TOOL_FAILED, then answers the next message", async () => {
    const { client, frames } = await connected("assistant");
    const turn = client.send("use a tool", { metadata: { mock_scenario: "unknown_tool" } });
    const error = await turn.done.catch((e: unknown) => e);
    const end = frames.findLast((f) => f.type === "error");
    expect(error).toMatchObject({ name: "OmniaTurnError", code: "TOOL_FAILED", turnId: turn.turnId, message: expect.stringContaining("no_such_tool") });
    expect(end).toMatchObject({ turn_id: turn.turnId, seq: client.lastSeq });
    const next = await client.send("hello").done;
    expect(next.content).toBe(scriptedTurn(MANIFESTS, "agents.yaml", "default", 1));
  });

  it("rejects a turn the prompt cannot render, naming the missing variable, and takes the corrected message", async () => {
    const { client } = await connected("second");
    await expect(client.send("help").done).rejects.toMatchObject({ turnId: expect.any(String), message: expect.stringContaining("customer_id") });
    const done = await client.send("help", { metadata: { customer_id: "c-42" } }).done;
    expect(done.content.length).toBeGreaterThan(0);
  });
});
