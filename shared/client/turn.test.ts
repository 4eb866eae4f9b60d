import { afterEach, describe, expect, it, vi } from "vitest";
import { OmniaTurnError } from "./omnia-error.js";
import { Turn, type TurnControl } from "./turn.js";

function turn(): [Turn, TurnControl] {
  let control: TurnControl | undefined;
  const t = new Turn((c) => (control = c));
  if (!control) throw new Error("no control");
  return [t, control];
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("Turn", () => {
  it("gives every iterator the whole text from the start, each chunk once, and ends at done", async () => {
    const [t, control] = turn();
    const early: string[] = [];
    const reading = (async () => {
      for await (const text of t) early.push(text);
    })();
    control.chunk("Hel");
    control.chunk("lo");
    await Promise.resolve();
    control.bind("t1");
    control.finish({ content: "Hello", turnId: "t1" });
    control.chunk("late"); // after the end: ignored
    await reading;
    const late: string[] = [];
    for await (const text of t) late.push(text);
    expect(early).toEqual(["Hel", "lo"]);
    expect(late).toEqual(["Hel", "lo"]);
    expect(t.text).toBe("Hello");
    expect(t.turnId).toBe("t1");
    await expect(t.done).resolves.toEqual({ content: "Hello", turnId: "t1" });
  });

  it("settles once: the first end wins, and the iterator throws the error", async () => {
    const [t, control] = turn();
    control.chunk("partial");
    control.fail(new OmniaTurnError("PROVIDER_ERROR", "the model failed", "t2"));
    control.finish({ content: "never", turnId: "t2" });
    await expect(t.done).rejects.toMatchObject({ code: "PROVIDER_ERROR", turnId: "t2" });
    const seen: string[] = [];
    await expect((async () => { for await (const text of t) seen.push(text); })()).rejects.toBeInstanceOf(OmniaTurnError);
    expect(seen).toEqual(["partial"]);
    expect(t.turnId).toBe("t2");
    expect(t.settled).toBe(true);
  });

  it("keeps calling chunk listeners after one throws, and reports the error", () => {
    const [t, control] = turn();
    const heard: string[] = [];
    // Rethrown on a task of its own (where the host reports it); caught here instead.
    const reported: unknown[] = [];
    vi.stubGlobal("queueMicrotask", (task: () => void) => {
      try {
        task();
      } catch (err) {
        reported.push(err);
      }
    });
    t.onChunk(() => {
      throw new Error("listener bug");
    });
    const stop = t.onChunk((text) => heard.push(text));
    control.chunk("a");
    stop();
    control.chunk("b");
    expect(heard).toEqual(["a"]);
    expect(reported).toMatchObject([{ message: "listener bug" }, { message: "listener bug" }]);
  });
});
