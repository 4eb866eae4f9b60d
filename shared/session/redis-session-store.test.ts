import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RedisServer } from "../../test/helpers/redis-server.js";
import { RedisSessionStore } from "./redis-session-store.js";
import { SessionStoreUnavailableError, type StoredMessage } from "./session-store.js";
import { describeSessionStoreContract } from "./session-store.contract.js";

let redis: RedisServer;
let prefixCounter = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeSessionStoreContract("redis", async () => {
  const ttlMs = 600;
  const store = new RedisSessionStore({ url: redis.url, ttlMs, keyPrefix: `t${++prefixCounter}:` });
  return { store, ttlMs, advance: async (ms: number) => void (await sleep(ms)) };
});

describe("RedisSessionStore", () => {
  const msg = (i: number): StoredMessage => ({ id: String(i), role: i % 2 ? "assistant" : "user", content: `m${i}`, timestamp: new Date().toISOString() });

  it("costs one round trip per load and per append, whatever the history length", async () => {
    const store = new RedisSessionStore({ url: redis.url, ttlMs: 60_000, keyPrefix: "rt:" });
    const client = new Redis(redis.url);
    const monitor = await client.monitor();
    const commands: string[] = [];
    // Commands run inside a script are reported with source "lua"; the client sent only the script call.
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      if (!source.startsWith("lua") && !["monitor", "ping", "info", "client", "select"].includes(String(args[0]).toLowerCase())) {
        commands.push(String(args[0]).toLowerCase());
      }
    });
    const counted = async (op: () => Promise<unknown>) => {
      await sleep(100);
      commands.length = 0;
      await op();
      await sleep(100);
      return [...commands];
    };
    await store.loadConversation({ id: "long", agentName: "a", namespace: "default" });
    for (const size of [1, 200]) {
      const batch = Array.from({ length: size }, (_, i) => msg(i));
      const append = await counted(() => store.appendTurn("long", batch));
      expect(append.filter((c) => c !== "multi" && c !== "exec").length).toBeGreaterThan(0);
      expect(append[0]).toBe("multi");
      expect(append.at(-1)).toBe("exec");
      const load = await counted(() => store.loadConversation({ id: "long", agentName: "a", namespace: "default" }));
      expect(load.length).toBe(1);
      expect(load[0]).toMatch(/^evalsha|eval$/);
    }
    monitor.disconnect();
    client.disconnect();
    await store.close();
  });

  it("fails fast with SessionStoreUnavailableError while Redis is down, and recovers by itself", async () => {
    const store = new RedisSessionStore({ url: redis.url, ttlMs: 60_000, keyPrefix: "down:" });
    await store.loadConversation({ id: "x", agentName: "a", namespace: "default" });
    await redis.kill("SIGKILL");
    const started = Date.now();
    await expect(store.getSession("x")).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(await store.ping()).toBe(false);
    await redis.restart();
    await expect.poll(() => store.ping(), { timeout: 10_000 }).toBe(true);
    const again = await store.loadConversation({ id: "x", agentName: "a", namespace: "default" });
    expect(again.created).toBe(true); // persistence was off: the data went with the process
    await store.close();
  });
});
