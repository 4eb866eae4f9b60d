import { Redis as UpstashRedis } from "@upstash/redis/cloudflare";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RedisServer } from "./redis-server.js";
import { startUpstashRestBridge, type UpstashRestBridge } from "./upstash-rest-bridge.js";

let server: RedisServer;
let bridge: UpstashRestBridge;
let admin: Redis;
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

const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${bridge.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${bridge.token}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
};
const base64 = { "upstash-encoding": "base64" };
const b64 = (text: string) => Buffer.from(text).toString("base64");
const client = (opts: { token?: string } = {}) =>
  new UpstashRedis({ url: bridge.url, token: opts.token ?? bridge.token, retry: false, enableTelemetry: false, enableAutoPipelining: false });

describe("Upstash REST bridge", () => {
  it("answers a command with its result, as base64 strings when asked and UTF-8 otherwise", async () => {
    const text = "héllo ✓ 🙂";
    expect(await post("/", ["SET", "enc:k", text], base64)).toEqual({ status: 200, body: { result: "OK" } });
    expect(await post("/", ["GET", "enc:k"], base64)).toEqual({ status: 200, body: { result: b64(text) } });
    expect(await post("/", ["GET", "enc:k"])).toEqual({ status: 200, body: { result: text } });
    // A string "OK" inside a result is encoded like any other; only a whole result "OK" is not.
    await admin.rpush("enc:list", "OK", "x");
    expect((await post("/", ["LRANGE", "enc:list", 0, -1], base64)).body).toEqual({ result: [b64("OK"), b64("x")] });
    // Bytes that are not UTF-8 survive base64 exactly.
    await admin.set(Buffer.from("enc:bin"), Buffer.from([0xff, 0x00, 0xfe]));
    expect((await post("/", ["GET", "enc:bin"], base64)).body).toEqual({ result: Buffer.from([0xff, 0x00, 0xfe]).toString("base64") });
    expect((await post("/", ["GET", "enc:bin"])).body).toEqual({ result: "\ufffd\u0000\ufffd" });
  });

  it("keeps integers, nulls and nested arrays", async () => {
    await admin.hset("nest:h", "a", "1");
    expect((await post("/", ["HMGET", "nest:h", "a", "missing"], base64)).body).toEqual({ result: [b64("1"), null] });
    expect((await post("/", ["GET", "nest:none"], base64)).body).toEqual({ result: null });
    expect((await post("/", ["INCR", "nest:n"])).body).toEqual({ result: 1 });
    const lua = "return {1, 'two', false, {3, 'four', {}}}";
    expect((await post("/", ["EVAL", lua, 0], base64)).body).toEqual({ result: [1, b64("two"), null, [3, b64("four"), []]] });
    await admin.xadd("nest:s", "1-0", "f", "v");
    expect((await post("/", ["XRANGE", "nest:s", "-", "+"])).body).toEqual({ result: [["1-0", ["f", "v"]]] });
  });

  it("runs a pipeline, answering each command with its own result or error", async () => {
    await admin.set("pipe:s", "text");
    const { status, body } = await post("/pipeline", [["SET", "pipe:a", "1"], ["INCR", "pipe:s"], ["INCR", "pipe:a"], ["GET", "pipe:a"]], base64);
    expect(status).toBe(200);
    expect(body).toEqual([{ result: "OK" }, { error: expect.stringMatching(/^ERR value is not an integer/) }, { result: 2 }, { result: b64("2") }]);
  });

  it("runs /multi-exec as one transaction, and answers one error when Redis discards it", async () => {
    const ok = await post("/multi-exec", [["SET", "tx:a", "1"], ["INCR", "tx:a"], ["LPUSH", "tx:a", "x"]], base64);
    expect(ok).toEqual({ status: 200, body: [{ result: "OK" }, { result: 2 }, { error: expect.stringMatching(/^WRONGTYPE/) }] });
    const discarded = await post("/multi-exec", [["SET", "tx:b", "1"], ["NOSUCHCOMMAND"]]);
    expect(discarded.status).toBe(400);
    expect(discarded.body).toEqual({ error: expect.stringMatching(/EXECABORT/) });
    expect(await admin.exists("tx:b")).toBe(0);
  });

  it("answers 401 without the token, 400 for a Redis error or a malformed request", async () => {
    const noToken = await fetch(bridge.url, { method: "POST", body: '["PING"]' });
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toEqual({ error: "Unauthorized" });
    expect((await post("/", ["PING"], { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await fetch(`${bridge.url}/?_token=${bridge.token}`, { method: "POST", body: '["PING"]' })).status).toBe(200);
    expect(await post("/", ["GET"])).toEqual({ status: 400, body: { error: expect.stringMatching(/wrong number of arguments/) } });
    expect((await post("/", "not json")).status).toBe(400);
    expect((await post("/", [])).status).toBe(400);
    expect(await post("/", ["BLPOP", "q", 0])).toEqual({ status: 400, body: { error: expect.stringMatching(/not supported/) } });
  });

  it("serves @upstash/redis with its defaults (base64, JSON deserialization, pipelines, transactions, scripts)", async () => {
    const redis = client();
    expect(await redis.set("sdk:obj", { text: "héllo 🙂", n: 1 })).toBe("OK");
    expect(await redis.get("sdk:obj")).toEqual({ text: "héllo 🙂", n: 1 });
    expect(await redis.hset("sdk:h", { a: "x", b: 2 })).toBe(2);
    expect(await redis.hgetall("sdk:h")).toEqual({ a: "x", b: 2 });
    expect(await redis.pipeline().set("sdk:p", 1).incr("sdk:p").get("sdk:p").exec()).toEqual(["OK", 2, 2]);
    expect(await redis.multi().set("sdk:m", "v").get("sdk:m").exec()).toEqual(["OK", "v"]);
    const script = redis.createScript<[number, string]>("return {tonumber(ARGV[1]) + 1, KEYS[1]}");
    expect(await script.exec(["sdk:key"], ["41"])).toEqual([42, "sdk:key"]);
    expect(await script.exec(["sdk:key"], ["1"])).toEqual([2, "sdk:key"]);
    await expect(redis.incr("sdk:obj")).rejects.toThrow(/not an integer/);
    await expect(client({ token: "wrong" }).get("sdk:obj")).rejects.toThrow(/Unauthorized/);
  });

  it("answers 503 while redis-server is down and serves again once it is back", async () => {
    const own = await startRedis();
    const ownBridge = await startUpstashRestBridge({ redisUrl: own.url, token: "t" });
    try {
      await own.kill();
      const down = await fetch(ownBridge.url, { method: "POST", headers: { authorization: "Bearer t" }, body: '["PING"]' });
      expect(down.status).toBe(503);
      await own.restart();
      const deadline = Date.now() + 10_000;
      for (;;) {
        const res = await fetch(ownBridge.url, { method: "POST", headers: { authorization: "Bearer t" }, body: '["PING"]' });
        if (res.status === 200) break;
        if (Date.now() > deadline) throw new Error(`still ${res.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await ownBridge.close();
      await own.stop();
    }
  });
});
