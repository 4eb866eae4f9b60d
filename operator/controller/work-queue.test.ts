import { describe, expect, it } from "vitest";
import { eventually } from "../../test/helpers/eventually.js";
import { WorkQueue } from "./work-queue.js";

describe("WorkQueue", () => {
  it("handles a key queued several times before its turn once", async () => {
    const seen: string[] = [];
    const queue = new WorkQueue(async (key) => {
      seen.push(key);
    });
    queue.add("ns/a");
    queue.add("ns/b");
    queue.add("ns/a");
    queue.start();
    await eventually(async () => expect(seen).toEqual(["ns/a", "ns/b"]));
    await queue.shutDown();
  });

  it("handles a key added while it is being handled again afterwards, never twice at once", async () => {
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    let release!: () => void;
    const queue = new WorkQueue(async () => {
      calls++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      if (calls === 1) await new Promise<void>((r) => (release = r));
      running--;
    });
    queue.add("ns/a");
    queue.start();
    await eventually(async () => expect(calls).toBe(1));
    queue.add("ns/a");
    release();
    await eventually(async () => expect(calls).toBe(2));
    expect(maxRunning).toBe(1);
    await queue.shutDown();
  });

  it("retries a failing key with exponential backoff, capped, and resets after a success", async () => {
    const times: number[] = [];
    const delays: number[] = [];
    const queue = new WorkQueue(
      async () => {
        times.push(Date.now());
        if (times.length <= 4) throw new Error("boom");
      },
      { baseDelayMs: 20, maxDelayMs: 60, onError: (_key, _err, retryInMs) => delays.push(retryInMs) },
    );
    queue.add("ns/a");
    queue.start();
    await eventually(async () => expect(times).toHaveLength(5));
    expect(delays).toEqual([20, 40, 60, 60]);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(delays[i - 1]! - 5);
    await queue.shutDown();
  });
});
