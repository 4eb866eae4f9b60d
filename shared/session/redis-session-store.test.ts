import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../test/helpers/free-port.js";
import { startRedis, type RedisServer } from "../../test/helpers/redis-server.js";
import { RedisSessionStore } from "./redis-session-store.js";
import { describeSessionStoreContract } from "./session-store.contract.js";
import { SessionStoreUnavailableError, type StoredMessage } from "./session-store.js";

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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const newSession = (id: string) => ({ id, agentName: "assistant", namespace: "default" });
const message = (i: number): StoredMessage => ({ id: String(i), role: i % 2 ? "assistant" : "user", content: `m${i}`, timestamp: "2026-01-01T00:00:00.000Z" });
/** A store with keys of its own, so tests sharing the server do not see each other. */
const storeOn = (url: string, ttlMs = 60_000) => new RedisSessionStore({ url, ttlMs, keyPrefix: `t${++prefixes}:` });

describeSessionStoreContract("redis", async () => {
  const ttlMs = 400;
  return { store: storeOn(server.url, ttlMs), ttlMs, advance: sleep };
});

describe("RedisSessionStore", () => {
  it("keeps a session in the documented keys, all with the TTL", async () => {
    const store = new RedisSessionStore({ url: server.url, ttlMs: 60_000, keyPrefix: "layout:" });
    await store.loadConversation({ ...newSession("k1"), workspace: "ws" });
    await store.appendTurn("k1", [message(0)], { mood: "good" });
    expect(await admin.type("layout:session:k1")).toBe("hash");
    expect(await admin.type("layout:session:k1:messages")).toBe("list");
    expect(await admin.type("layout:session:k1:state")).toBe("hash");
    expect(await admin.hgetall("layout:session:k1")).toMatchObject({ id: "k1", agentName: "assistant", namespace: "default", workspace: "ws", turnCount: "1" });
    expect(JSON.parse((await admin.lindex("layout:session:k1:messages", 0)) ?? "")).toEqual(message(0));
    for (const key of ["layout:session:k1", "layout:session:k1:messages", "layout:session:k1:state"]) {
      expect(await admin.pttl(key)).toBeGreaterThan(59_000);
    }
    await store.close();
  });

  it("costs one round trip per load and per append, whatever the history length", async () => {
    const store = storeOn(server.url);
    const monitor = await new Redis(server.url).monitor();
    const seen: string[] = [];
    // The monitor feed is asynchronous: markers sent by another client bracket what one operation sent.
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      if (!source.startsWith("lua")) seen.push(args.map(String).join(" ").toLowerCase());
    });
    const sentBy = async (op: () => Promise<unknown>) => {
      const before = store.roundTrips;
      const marker = `marker-${Math.random()}`;
      await admin.echo(`${marker}-start`);
      await op();
      await admin.echo(`${marker}-end`);
      await expect.poll(() => seen.includes(`echo ${marker}-end`)).toBe(true);
      const commands = seen.slice(seen.indexOf(`echo ${marker}-start`) + 1, seen.indexOf(`echo ${marker}-end`));
      return { roundTrips: store.roundTrips - before, commands: commands.map((c) => c.split(" ")[0]) };
    };

    await store.loadConversation(newSession("long"));
    for (const size of [1, 500]) {
      const append = await sentBy(() => store.appendTurn("long", Array.from({ length: size }, (_, i) => message(i)), { size: String(size) }));
      expect(append.roundTrips).toBe(1);
      expect(append.commands[0]).toBe("multi");
      expect(append.commands.at(-1)).toBe("exec");
      expect(append.commands).toContain("rpush");
      const load = await sentBy(() => store.loadConversation(newSession("long")));
      expect(load.roundTrips).toBe(1);
      expect(load.commands).toHaveLength(1);
      expect(load.commands[0]).toMatch(/^(evalsha|eval)$/);
    }
    expect((await store.loadConversation(newSession("long"))).conversation.messages).toHaveLength(501);
    monitor.disconnect();
    await store.close();
  });

  it("fails fast while Redis is down and works again by itself after a restart", async () => {
    const store = storeOn(server.url);
    await store.loadConversation(newSession("x"));
    await server.kill("SIGKILL");
    const operations: Array<() => Promise<unknown>> = [
      () => store.getSession("x"),
      () => store.loadConversation(newSession("x")),
      () => store.appendTurn("x", [message(1)]),
      () => store.setState("x", { a: "1" }),
      () => store.touch("x"),
      () => store.deleteSession("x"),
    ];
    for (const operation of operations) {
      const started = Date.now();
      const error = await operation().then(() => null, (err: unknown) => err);
      expect(error).toBeInstanceOf(SessionStoreUnavailableError);
      expect(String(error)).toMatch(/Redis at 127\.0\.0\.1:\d+/);
      expect(Date.now() - started).toBeLessThan(2_500);
    }
    expect(await store.ping()).toBe(false);

    await server.restart();
    await expect.poll(() => store.ping(), { timeout: 5_000, interval: 100 }).toBe(true);
    const again = await store.loadConversation(newSession("x"));
    expect(again.created).toBe(true); // persistence is off: the data went with the process
    await store.close();
    admin.disconnect();
    admin = new Redis(server.url);
  });

  it("gives up on a Redis that stopped answering within the command timeout", async () => {
    const store = storeOn(server.url);
    await store.loadConversation(newSession("h"));
    await server.kill("SIGSTOP");
    try {
      const started = Date.now();
      await expect(store.getSession("h")).rejects.toBeInstanceOf(SessionStoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await server.kill("SIGCONT");
    }
    await expect.poll(() => store.ping(), { timeout: 5_000, interval: 100 }).toBe(true);
    expect(await store.getSession("h")).toMatchObject({ id: "h" });
    await store.close();
  });

  it("fails fast when Redis is not there at start", async () => {
    const store = storeOn(`redis://127.0.0.1:${await freePort()}`);
    const started = Date.now();
    await expect(store.loadConversation(newSession("y"))).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(await store.ping()).toBe(false);
    await store.close();
  });

  it("connects with a password and a db number from the URL, and keeps the password out of errors", async () => {
    const secured = await startRedis();
    try {
      const setup = new Redis(secured.url);
      await setup.config("SET", "requirepass", "s3cret");
      setup.disconnect();
      const store = new RedisSessionStore({ url: `redis://:s3cret@127.0.0.1:${secured.port}/3`, ttlMs: 60_000 });
      await store.loadConversation(newSession("p"));
      const db3 = new Redis({ port: secured.port, host: "127.0.0.1", password: "s3cret", db: 3 });
      expect(await db3.exists("session:p")).toBe(1);
      db3.disconnect();
      await store.close();

      const wrong = new RedisSessionStore({ url: `redis://:wrong-pass@127.0.0.1:${secured.port}`, ttlMs: 60_000 });
      const error = await wrong.getSession("p").then(() => null, (err: unknown) => err);
      expect(error).toBeInstanceOf(SessionStoreUnavailableError);
      expect(String(error)).not.toContain("wrong-pass");
      await wrong.close();
    } finally {
      await secured.stop();
    }
  });

  it("refuses operations once closed", async () => {
    const store = storeOn(server.url);
    await store.loadConversation(newSession("c"));
    await store.close();
    await expect(store.getSession("c")).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    expect(await store.ping()).toBe(false);
  });
});
