import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../test/helpers/eventually.js";
import { startRedis, type RedisServer } from "../../test/helpers/redis-server.js";
import { RedisTurnJournal } from "./redis-turn-journal.js";
import { describeTurnJournalContract } from "./turn-journal.contract.js";
import { JournalUnavailableError } from "./turn-journal.js";

let server: RedisServer;
let admin: Redis;
let prefixes = 0;
beforeAll(async () => {
  server = await startRedis();
  admin = new Redis(server.url);
});
afterAll(async () => {
  admin?.disconnect();
  await server?.stop();
});

const journalOn = (url: string, opts: { ttlMs?: number; leaseMs?: number } = {}) =>
  new RedisTurnJournal({ url, ttlMs: opts.ttlMs ?? 60_000, leaseMs: opts.leaseMs ?? 60_000, keyPrefix: `j${++prefixes}:` });

describeTurnJournalContract("redis", async () => {
  const journal = journalOn(server.url, { leaseMs: 200 });
  return { journal, expireLease: () => new Promise((r) => setTimeout(r, 250)) };
});

describe("RedisTurnJournal", () => {
  it("keeps a session's journal in the documented keys, with the session TTL and the lease", async () => {
    const journal = new RedisTurnJournal({ url: server.url, ttlMs: 60_000, leaseMs: 30_000, keyPrefix: "layout:" });
    try {
      await journal.begin("k1", "t1", "facade-a");
      await journal.append("k1", "t1", "facade-a", [{ seq: 1, frame: '{"type":"chunk"}', end: false }], 1);
      expect(await admin.type("layout:session:k1:journal")).toBe("stream");
      expect(await admin.xrange("layout:session:k1:journal", "-", "+")).toEqual([["1-0", ["f", '{"type":"chunk"}']]]);
      expect(await admin.hgetall("layout:session:k1:turn")).toEqual({
        turnId: "t1",
        owner: "facade-a",
        state: "running",
        startSeq: "1",
        lastSeq: "1",
        events: "1",
      });
      expect(await admin.get("layout:session:k1:lease")).toBe("facade-a");
      for (const key of ["journal", "turn"]) expect(await admin.pttl(`layout:session:k1:${key}`)).toBeGreaterThan(59_000);
      const lease = await admin.pttl("layout:session:k1:lease");
      expect(lease).toBeGreaterThan(29_000);
      expect(lease).toBeLessThanOrEqual(30_000);
      await journal.append("k1", "t1", "facade-a", [{ seq: 2, frame: '{"type":"done"}', end: true }], 2);
      expect(await admin.exists("layout:session:k1:lease")).toBe(0);
      expect(await admin.hget("layout:session:k1:turn", "state")).toBe("ended");
    } finally {
      await journal.close();
    }
  });

  it("fails fast while Redis is down and works again once it is back", async () => {
    const own = await startRedis();
    const journal = journalOn(own.url);
    try {
      await journal.begin("s", "t1", "A");
      await own.kill();
      await expect(journal.append("s", "t1", "A", [{ seq: 1, frame: "{}", end: false }], 1)).rejects.toBeInstanceOf(JournalUnavailableError);
      await expect(journal.wait("s", 0, 1_000)).rejects.toThrow(/turn journal unavailable: Redis at 127\.0\.0\.1/);
      await own.restart();
      // The server came back empty (no persistence): the turn is new again.
      await eventually(async () => expect(await journal.begin("s", "t2", "A")).toEqual({ ok: true, lastSeq: 0 }));
    } finally {
      await journal.close();
      await own.stop();
    }
  });
});
