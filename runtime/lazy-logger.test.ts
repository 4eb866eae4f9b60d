import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it, vi } from "vitest";
import { LazyLogger } from "./lazy-logger.js";

function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level, base: { component: "runtime" } }, out), lines };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("LazyLogger", () => {
  it("writes the same line as a chain of pino children", async () => {
    const lazy = capture("info");
    new LazyLogger(lazy.logger, { request_id: "r1" }).child({ session_id: "s1" }).info({ code: "X" }, "turn ended");
    const eager = capture("info");
    eager.logger.child({ request_id: "r1" }).child({ session_id: "s1" }).info({ code: "X" }, "turn ended");
    await flush();
    const strip = ({ time: _time, ...line }: Record<string, unknown>) => line;
    expect(lazy.lines.map(strip)).toEqual(eager.lines.map(strip));
    expect(lazy.lines[0]).toMatchObject({ request_id: "r1", session_id: "s1", code: "X", msg: "turn ended" });
  });

  it("makes no pino child while nothing it logs is at an enabled level", async () => {
    const { logger, lines } = capture("warn");
    const child = vi.spyOn(logger, "child");
    const log = new LazyLogger(logger, { session_id: "s1" });
    log.info({ usage: 1 }, "turn completed");
    expect(child).not.toHaveBeenCalled();
    log.warn("stream error");
    log.error({ err: new Error("boom") }, "turn failed");
    expect(child).toHaveBeenCalledTimes(1);
    await flush();
    expect(lines.map((line) => [line["msg"], line["session_id"]])).toEqual([
      ["stream error", "s1"],
      ["turn failed", "s1"],
    ]);
  });
});
