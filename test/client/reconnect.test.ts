// The protocol client when the network fails: a TCP proxy between it and a real facade cuts every
// connection at once. The client reconnects with backoff and keeps its session; with the facade's
// resume (`?resume=<session>&after_seq=<seq>`) a turn cut mid-stream goes on in the same Turn and
// the application sees every frame exactly once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../deploy/local/child-process.js";
import { startLocalStack, type LocalStack } from "../../deploy/local/local-stack.js";
import { OmniaClient, type OmniaClientOptions, type ReceivedFrame, type SessionChange, type StateChange } from "../../shared/client/index.js";
import { startCutProxy, type CutProxy } from "../helpers/tcp-cut-proxy.js";
import { scriptedTurn } from "./scripted-turn.js";

const EXAMPLES = join(REPO_ROOT, "deploy/examples");
const scripted = (scenario: string, turn: number) => scriptedTurn(EXAMPLES, "mock-scenarios.yaml", scenario, turn);
const BACKOFF = { initialMs: 40, maxMs: 320, factor: 2 };

// Two independent stacks: `home` serves the sessions; `elsewhere` has never heard of them.
let home: LocalStack;
let elsewhere: LocalStack;
let proxy: CutProxy;
const dirs: string[] = [];
const clients: OmniaClient[] = [];

beforeAll(async () => {
  const start = () => {
    const stateDir = mkdtempSync(join(tmpdir(), "omnia-client-reconnect-"));
    dirs.push(stateDir);
    // Slow enough to cut a turn in the middle.
    return startLocalStack({ manifestsDir: EXAMPLES, port: 0, stateDir, runtimeEnv: { OMNIA_MOCK_CHUNK_DELAY_MS: "15" } });
  };
  [home, elsewhere] = await Promise.all([start(), start()]);
});

beforeEach(async () => {
  proxy = await startCutProxy(home.port);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await proxy.close();
});

afterAll(async () => {
  await Promise.all([home?.stop(), elsewhere?.stop()]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Watched {
  client: OmniaClient;
  states: StateChange[];
  sessions: SessionChange[];
  frames: ReceivedFrame[];
}

function watched(options: Partial<OmniaClientOptions> = {}): Watched {
  const client = new OmniaClient({ url: `${proxy.url}ws`, agent: "assistant", backoff: BACKOFF, ...options });
  clients.push(client);
  const w: Watched = { client, states: [], sessions: [], frames: [] };
  client.on("state", (s) => w.states.push(s));
  client.on("session", (s) => w.sessions.push(s));
  client.on("frame", (f) => w.frames.push(f));
  client.on("invalidFrame", (f) => {
    throw new Error(`invalid frame from the facade: ${f.problem}`);
  });
  return w;
}

const reopened = (w: Watched, times: number) => w.states.filter((s) => s.state === "open").length >= times + 1;

describe("OmniaClient across dropped connections", () => {
  it("reconnects with growing, jittered waits while the network is down, and the session goes on", async () => {
    const w = watched();
    await w.client.connect();
    const sessionId = w.client.sessionId;
    expect((await w.client.send("Hello there").done).content).toBe(scripted("default", 1));

    proxy.refuse(true);
    expect(proxy.cut()).toBe(1);
    await expect.poll(() => w.states.filter((s) => s.state === "reconnecting").length, { timeout: 5_000 }).toBeGreaterThanOrEqual(4);
    proxy.refuse(false);
    await expect.poll(() => reopened(w, 1), { timeout: 5_000 }).toBe(true);

    const waits = w.states.filter((s) => s.state === "reconnecting");
    waits.forEach((s, i) => {
      expect(s.attempt).toBe(i + 1);
      expect(s.delayMs).toBeGreaterThanOrEqual(0);
      expect(s.delayMs).toBeLessThan(Math.min(BACKOFF.maxMs, BACKOFF.initialMs * BACKOFF.factor ** i));
    });
    expect(w.states[w.states.length - 1]?.state).toBe("open");
    expect(w.client.sessionId).toBe(sessionId);
    // The conversation goes on where it was: the mock answers with its second scripted turn.
    expect((await w.client.send("Tell me more").done).content).toBe(scripted("default", 2));

    // After a good connection the backoff starts again from the first attempt.
    const before = w.states.length;
    proxy.cut();
    await expect.poll(() => reopened(w, 2), { timeout: 5_000 }).toBe(true);
    expect(w.states.slice(before)).toMatchObject([{ state: "reconnecting", attempt: 1, code: 1006 }, { state: "open" }]);
  });

  it("holds a message sent while reconnecting and sends it once the connection is back", async () => {
    const w = watched();
    await w.client.connect();
    expect((await w.client.send("Hello there").done).content).toBe(scripted("default", 1));
    proxy.refuse(true);
    proxy.cut();
    await expect.poll(() => w.client.state).toBe("reconnecting");
    const turn = w.client.send("Tell me more");
    await new Promise((r) => setTimeout(r, 100));
    proxy.refuse(false);
    expect((await turn.done).content).toBe(scripted("default", 2));
  });

  it("keeps streaming a turn cut mid-answer into the same Turn, each chunk once", async () => {
    const w = watched();
    await w.client.connect();
    const sessionId = w.client.sessionId;
    const turn = w.client.send("Hello there");
    const chunks: string[] = [];
    turn.onChunk((text) => chunks.push(text));
    await expect.poll(() => chunks.length, { timeout: 5_000, interval: 5 }).toBeGreaterThanOrEqual(3);
    proxy.cut();

    const done = await turn.done;
    const expected = scripted("default", 1);
    expect(done.content).toBe(expected);
    expect(chunks.join("")).toBe(expected);
    expect(turn.text).toBe(expected);
    expect(w.sessions).toEqual([
      { sessionId, resumed: false },
      { sessionId, resumed: true },
    ]);
    // What the application acted on: every seq of the session once, in order, with nothing missing.
    const acted = w.frames.filter((f) => !f.duplicate && f.frame.type !== "connected").map((f) => ("seq" in f.frame ? f.frame.seq : undefined));
    expect(acted).toEqual(Array.from({ length: chunks.length + 1 }, (_, i) => i + 1));
    expect(w.client.lastSeq).toBe(chunks.length + 1);
    // And the session goes on.
    expect((await w.client.send("Tell me more").done).content).toBe(scripted("default", 2));
  });

  it("rejects the turn in flight with SESSION_EXPIRED or SESSION_NOT_FOUND when the reconnect finds the session gone, then goes on in a new one", async () => {
    const w = watched();
    await w.client.connect();
    const sessionId = w.client.sessionId;
    const turn = w.client.send("Hello there");
    await expect.poll(() => turn.text.length, { timeout: 5_000, interval: 5 }).toBeGreaterThan(0);
    // The next connection reaches a facade that has never heard of the session.
    proxy.retarget(elsewhere.port);
    proxy.cut();

    const error = await turn.done.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "OmniaTurnError", code: expect.stringMatching(/^SESSION_(EXPIRED|NOT_FOUND)$/) });
    expect(w.client.sessionId).not.toBe(sessionId);
    expect(w.sessions[w.sessions.length - 1]).toMatchObject({ sessionId: w.client.sessionId, resumed: false });
    // A new conversation: the mock starts again from its first scripted turn.
    expect((await w.client.send("Hello again").done).content).toBe(scripted("default", 1));
  });

  it("sends a message again when the reconnect shows it was lost with the socket, and it is answered once", async () => {
    const w = watched();
    await w.client.connect();
    expect((await w.client.send("Hello there").done).content).toBe(scripted("default", 1));
    const seqBefore = w.client.lastSeq;
    proxy.stall(true);
    const turn = w.client.send("Tell me more");
    await new Promise((r) => setTimeout(r, 100));
    proxy.cut();
    proxy.stall(false);
    // The resumed `connected` says nothing was journaled past our last seq and no turn runs.
    expect((await turn.done).content).toBe(scripted("default", 2));
    const acted = w.frames.filter((f) => !f.duplicate && f.frame.type !== "connected").map((f) => ("seq" in f.frame ? f.frame.seq : undefined));
    expect(acted.filter((seq) => seq !== undefined && seq > seqBefore)).toEqual(Array.from({ length: w.client.lastSeq - seqBefore }, (_, i) => seqBefore + 1 + i));
    expect((await w.client.send("And more").done).content).toBe(scripted("default", 3));
  });

  it("resumes a session named at construction after the last seq the application saw", async () => {
    const first = watched();
    await first.client.connect();
    const done = await first.client.send("Hello there").done;
    const { sessionId, lastSeq } = first.client;
    // The first client goes away without hanging up, as a reloaded page does.
    proxy.refuse(true);
    proxy.cut();
    await first.client.close();
    proxy.refuse(false);

    const second = watched({ sessionId, lastSeq });
    await second.client.connect();
    expect(second.client.sessionId).toBe(sessionId);
    // Nothing replayed is delivered twice: the frames up to lastSeq were seen by the first client.
    expect(second.frames.filter((f) => f.frame.type !== "connected" && !f.duplicate)).toEqual([]);
    expect((await second.client.send("Tell me more").done).content).toBe(scripted("default", 2));
    expect(done.content).toBe(scripted("default", 1));
  });
});
