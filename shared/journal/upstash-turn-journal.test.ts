import { Redis as UpstashRedis } from "@upstash/redis/cloudflare";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../test/helpers/free-port.js";
import { eventually } from "../../test/helpers/eventually.js";
import { startRedis, type RedisServer } from "../../test/helpers/redis-server.js";
import { startUpstashRestBridge, type UpstashRestBridge } from "../../test/helpers/upstash-rest-bridge.js";
import { RedisTurnJournal } from "./redis-turn-journal.js";
import { describeTurnJournalContract } from "./turn-journal.contract.js";
import { JournalUnavailableError, type JournalEntry, type TurnJournal } from "./turn-journal.js";
import { UpstashTurnJournal } from "./upstash-turn-journal.js";
import { startWorkerdScript, type WorkerdScript } from "../../test/helpers/workerd-script.js";

let server: RedisServer;
let bridge: UpstashRestBridge;
let admin: Redis;
let prefixes = 0;
beforeAll(async () => {
  server = await startRedis();
  bridge = await startUpstashRestBridge({ redisUrl: server.url });
  admin = new Redis(server.url);
});
afterAll(async () => {
  admin?.disconnect();
  await bridge?.close();
  await server?.stop();
});

const upstashOn = (on: { url: string; token: string }, opts: { leaseMs?: number; keyPrefix?: string; requestTimeoutMs?: number } = {}) =>
  new UpstashTurnJournal({
    url: on.url,
    token: on.token,
    ttlMs: 60_000,
    leaseMs: opts.leaseMs ?? 60_000,
    keyPrefix: opts.keyPrefix ?? `u${++prefixes}:`,
    requestTimeoutMs: opts.requestTimeoutMs,
  });
const entry = (seq: number, end = false, text = `f${seq}`): JournalEntry => ({ seq, frame: JSON.stringify({ type: end ? "done" : "chunk", content: text, seq }), end });

describeTurnJournalContract("upstash REST", async () => {
  const journal = upstashOn(bridge, { leaseMs: 200 });
  return { journal, expireLease: () => new Promise((r) => setTimeout(r, 250)) };
});

describe("UpstashTurnJournal", () => {
  it("keeps a session's journal in the keys of the Redis journal, with the session TTL and the lease", async () => {
    const journal = upstashOn(bridge, { keyPrefix: "ulayout:", leaseMs: 30_000 });
    await journal.begin("k1", "t1", "edge-a");
    await journal.append("k1", "t1", "edge-a", [{ seq: 1, frame: '{"type":"chunk"}', end: false }], 1);
    expect(await admin.xrange("ulayout:session:k1:journal", "-", "+")).toEqual([["1-0", ["f", '{"type":"chunk"}']]]);
    expect(await admin.hgetall("ulayout:session:k1:turn")).toEqual({ turnId: "t1", owner: "edge-a", state: "running", startSeq: "1", lastSeq: "1", events: "1" });
    expect(await admin.get("ulayout:session:k1:lease")).toBe("edge-a");
    for (const key of ["journal", "turn"]) expect(await admin.pttl(`ulayout:session:k1:${key}`)).toBeGreaterThan(59_000);
    expect(await admin.pttl("ulayout:session:k1:lease")).toBeGreaterThan(29_000);
    await journal.append("k1", "t1", "edge-a", [{ seq: 2, frame: '{"type":"done"}', end: true }], 2);
    expect(await admin.exists("ulayout:session:k1:lease")).toBe(0);
    // Scripts go by SHA once Redis knows them, not as the whole text on every call.
    expect(await admin.info("commandstats")).toMatch(/cmdstat_evalsha:calls=[1-9]/);
    await journal.close();
  });

  it("carries frames of any size and script exactly (base64 on the wire)", async () => {
    const journal = upstashOn(bridge);
    const frames = [entry(1, false, "héllo ✓ 🙂 日本語 \u0000 \\\" OK"), entry(2, false, "x".repeat(200_000)), { seq: 3, frame: "OK", end: true }];
    await journal.begin("s", "t1", "A");
    expect(await journal.append("s", "t1", "A", frames, 3)).toBe("ok");
    expect((await journal.read("s", 0)).entries).toEqual(frames);
    expect(await journal.wait("s", 0, 1_000)).toEqual(frames);
    await journal.close();
  });

  it("reports a script's error without quoting the frames it was sent", async () => {
    const journal = upstashOn(bridge);
    await journal.begin("s", "t1", "A");
    const failure = journal.append("s", "t1", "A", [entry(5, false, "private words")], 1);
    await expect(failure).rejects.toThrow(/^turn journal unavailable: Upstash REST at 127\.0\.0\.1:\d+: journal append out of order: seq 5 after 0$/);
    await journal.close();
  });

  it("polls a waiting session with a growing interval rather than a flood of requests", async () => {
    const journal = upstashOn(bridge);
    const before = bridge.requests["/"] ?? 0;
    expect(await journal.wait("quiet", 0, 1_000)).toEqual([]);
    // At 0, 25, 75, 175, 375, 625, 875 and 1000 ms: 25 ms doubling up to 250 ms.
    const polls = (bridge.requests["/"] ?? 0) - before;
    expect(polls).toBeGreaterThanOrEqual(5);
    expect(polls).toBeLessThanOrEqual(10);
    await journal.close();
  });

  it("ends a wait at once when closed", async () => {
    const journal = upstashOn(bridge);
    const waiting = journal.wait("s", 0, 10_000);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await journal.close();
    expect(await waiting).toEqual([]);
    expect(Date.now() - started).toBeLessThan(500);
    await expect(journal.read("s", 0)).rejects.toThrow(/journal is closed/);
  });
});

describe("a turn moving between the Redis journal (pod) and the Upstash journal (edge)", () => {
  const pair = (): { pod: TurnJournal; edge: TurnJournal } => {
    const keyPrefix = `x${++prefixes}:`;
    return {
      pod: new RedisTurnJournal({ url: server.url, ttlMs: 60_000, leaseMs: 60_000, keyPrefix }),
      edge: upstashOn(bridge, { keyPrefix }),
    };
  };

  for (const [from, to] of [
    ["pod", "edge"],
    ["edge", "pod"],
  ] as const) {
    it(`is begun on the ${from}, then read, waited on, claimed and finished on the ${to}`, async () => {
      const journals = pair();
      const [first, second] = [journals[from], journals[to]];
      try {
        expect(await first.begin("s", "t1", `${from}-facade`)).toEqual({ ok: true, lastSeq: 0 });
        expect(await first.append("s", "t1", `${from}-facade`, [entry(1), entry(2, false, "ünïcode 🙂")], 2)).toBe("ok");

        const read = await second.read("s", 0);
        expect(read).toEqual(await first.read("s", 0));
        expect(read.entries).toEqual([entry(1), entry(2, false, "ünïcode 🙂")]);
        expect(read.turn).toEqual({ turnId: "t1", owner: `${from}-facade`, running: true, leaseAlive: true, startSeq: 1, lastSeq: 2, events: 2 });
        expect(await second.begin("s", "t2", "other")).toMatchObject({ ok: false, running: { turnId: "t1", owner: `${from}-facade`, leaseAlive: true } });

        const waited = second.wait("s", 2, 5_000);
        await new Promise((r) => setTimeout(r, 30));
        expect(await first.append("s", "t1", `${from}-facade`, [entry(3)], 3)).toBe("ok");
        expect(await waited).toEqual([entry(3)]);

        expect(await second.claim("s", "t1", `${to}-runtime`, false)).toEqual({
          turnId: "t1",
          owner: `${to}-runtime`,
          running: true,
          leaseAlive: true,
          startSeq: 1,
          lastSeq: 3,
          events: 3,
        });
        expect(await first.append("s", "t1", `${from}-facade`, [entry(4)], 4)).toBe("not_owner");
        expect(await first.renew("s", "t1", `${from}-facade`)).toBe(false);
        expect(await second.append("s", "t1", `${to}-runtime`, [entry(4), entry(5, true)], 5)).toBe("ok");

        const finished = await first.read("s", null);
        expect(finished).toEqual(await second.read("s", null));
        expect(finished.entries.map((e) => [e.seq, e.end])).toEqual([
          [1, false],
          [2, false],
          [3, false],
          [4, false],
          [5, true],
        ]);
        expect(finished.turn).toMatchObject({ owner: `${to}-runtime`, running: false, lastSeq: 5, events: 5 });
        // The next turn, begun on the first placement, continues the seq written by the second.
        expect(await first.begin("s", "t2", `${from}-facade`)).toEqual({ ok: true, lastSeq: 5 });
      } finally {
        await journals.pod.close();
        await journals.edge.close();
      }
    });
  }
});

describe("UpstashTurnJournal failures", () => {
  it("refuses a wrong token with an error that names the REST host and not the token", async () => {
    const token = "sekrit-token-value-1234";
    const journal = upstashOn({ url: bridge.url, token });
    const failure = journal.begin("s", "t1", "A");
    await expect(failure).rejects.toBeInstanceOf(JournalUnavailableError);
    await expect(failure).rejects.toThrow(`turn journal unavailable: Upstash REST at 127.0.0.1:${bridge.port}: Unauthorized (check the REST token)`);
    const message = await failure.catch((err: unknown) => (err instanceof Error ? err.message : ""));
    expect(message).not.toContain(token);
    await expect(journal.wait("s", 0, 100)).rejects.toBeInstanceOf(JournalUnavailableError);
  });

  it("takes a ready client, still naming the configured REST host in errors", async () => {
    const client = new UpstashRedis({ url: bridge.url, token: "not-the-token", automaticDeserialization: false, retry: false, enableAutoPipelining: false });
    const journal = new UpstashTurnJournal({ url: "https://db.example.upstash.io", token: "not-the-token", ttlMs: 60_000, leaseMs: 60_000, client });
    await expect(journal.read("s", null)).rejects.toThrow(/^turn journal unavailable: Upstash REST at db\.example\.upstash\.io: Unauthorized/);
    const good = new UpstashRedis({ url: bridge.url, token: bridge.token, automaticDeserialization: false, retry: false, enableAutoPipelining: false });
    expect(await new UpstashTurnJournal({ url: bridge.url, token: bridge.token, ttlMs: 60_000, leaseMs: 60_000, client: good }).read("nobody", null)).toEqual({
      entries: [],
      turn: null,
    });
  });

  it("fails at once when nothing answers at the REST URL", async () => {
    const port = await freePort();
    const journal = upstashOn({ url: `http://127.0.0.1:${port}`, token: "t" });
    const started = Date.now();
    await expect(journal.read("s", 0)).rejects.toThrow(new RegExp(`^turn journal unavailable: Upstash REST at 127\\.0\\.0\\.1:${port}: fetch failed \\(.*ECONNREFUSED`));
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("gives up on a request that gets no answer within the request timeout", async () => {
    const own = await startRedis();
    const ownBridge = await startUpstashRestBridge({ redisUrl: own.url });
    const journal = upstashOn(ownBridge, { requestTimeoutMs: 300 });
    try {
      await journal.begin("s", "t1", "A");
      await own.kill("SIGSTOP");
      const started = Date.now();
      await expect(journal.renew("s", "t1", "A")).rejects.toThrow(/Upstash REST at 127\.0\.0\.1:\d+: no answer within 300 ms$/);
      expect(Date.now() - started).toBeLessThan(1_000);
      await own.kill("SIGCONT");
      expect(await journal.renew("s", "t1", "A")).toBe(true);
    } finally {
      await journal.close();
      await ownBridge.close();
      await own.stop();
    }
  });

  it("fails while redis-server is down and works again once it is back (scripts sent again)", async () => {
    const own = await startRedis();
    const ownBridge = await startUpstashRestBridge({ redisUrl: own.url });
    const journal = upstashOn(ownBridge);
    try {
      await journal.begin("s", "t1", "A");
      await own.kill();
      await expect(journal.append("s", "t1", "A", [entry(1)], 1)).rejects.toBeInstanceOf(JournalUnavailableError);
      await expect(journal.wait("s", 0, 1_000)).rejects.toThrow(/turn journal unavailable: Upstash REST at 127\.0\.0\.1:\d+: ERR Redis is not reachable/);
      await own.restart();
      // The server came back empty and without the scripts: EVALSHA fails with NOSCRIPT and EVAL runs them.
      await eventually(async () => expect(await journal.begin("s", "t2", "A")).toEqual({ ok: true, lastSeq: 0 }));
      expect(await journal.append("s", "t2", "A", [entry(1, true)], 1)).toBe("ok");
    } finally {
      await journal.close();
      await ownBridge.close();
      await own.stop();
    }
  });
});

describe("UpstashTurnJournal in workerd", () => {
  // A Worker that runs the journal against the REST URL it is sent, and answers what it saw.
  const worker = `
    import { UpstashTurnJournal } from "./upstash-turn-journal.ts";
    export default {
      async fetch(request) {
        const { url, token, keyPrefix } = await request.json();
        const journal = new UpstashTurnJournal({ url, token, keyPrefix, ttlMs: 60000, leaseMs: 60000 });
        try {
          const begun = await journal.begin("s", "t1", "edge");
          const appended = await journal.append("s", "t1", "edge", [{ seq: 1, frame: "héllo 🙂", end: false }], 1);
          // The pod takes the turn over and writes seq 2 while this waits.
          const waited = await journal.wait("s", 1, 5000);
          return Response.json({ begun, appended, waited });
        } catch (err) {
          return Response.json({ failed: { name: err.name, isJournalError: err.constructor.name === "JournalUnavailableError", message: err.message } });
        } finally {
          await journal.close();
        }
      },
    };`;
  let script: WorkerdScript;
  beforeAll(async () => {
    script = await startWorkerdScript(worker, import.meta.dirname);
  }, 60_000);
  afterAll(async () => {
    await script?.dispose();
  });

  it("bundles with no node:* module anywhere in its import graph", () => {
    const { inputs } = script;
    expect(inputs.filter((input) => input.startsWith("node:") || input.includes("ioredis"))).toEqual([]);
    expect(inputs.some((input) => input.includes("@upstash/redis/cloudflare"))).toBe(true);
    expect(script.externalImports).toEqual([]);
  });

  it("journals a turn from workerd that the pod's Redis journal takes over, while workerd waits", async () => {
    const keyPrefix = `w${++prefixes}:`;
    const pod = new RedisTurnJournal({ url: server.url, ttlMs: 60_000, leaseMs: 60_000, keyPrefix });
    try {
      const answer = script.workerd.dispatchFetch("http://worker/", { method: "POST", body: JSON.stringify({ url: bridge.url, token: bridge.token, keyPrefix }) });
      const deadline = Date.now() + 10_000;
      while ((await pod.read("s", 0)).entries.length === 0) {
        if (Date.now() > deadline) throw new Error("the Worker wrote nothing");
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(await pod.claim("s", "t1", "pod", false)).toMatchObject({ lastSeq: 1 });
      expect(await pod.append("s", "t1", "pod", [entry(2, true)], 2)).toBe("ok");
      expect(await (await answer).json()).toEqual({
        begun: { ok: true, lastSeq: 0 },
        appended: "ok",
        waited: [entry(2, true)],
      });
      expect((await pod.read("s", 0)).entries[0]).toEqual({ seq: 1, frame: "héllo 🙂", end: false });
    } finally {
      await pod.close();
    }
  });

  it("fails in workerd with a JournalUnavailableError that names the host, not the token", async () => {
    const token = "wrong-token-from-the-worker";
    const res = await script.workerd.dispatchFetch("http://worker/", { method: "POST", body: JSON.stringify({ url: bridge.url, token, keyPrefix: "wbad:" }) });
    const { failed } = (await res.json()) as { failed: { name: string; isJournalError: boolean; message: string } };
    expect(failed).toEqual({
      name: "JournalUnavailableError",
      isJournalError: true,
      message: `turn journal unavailable: Upstash REST at 127.0.0.1:${bridge.port}: Unauthorized (check the REST token)`,
    });
  });
});
