import { describe, expect, it } from "vitest";
import { MemoryTurnJournal } from "../../shared/journal/memory-turn-journal.js";
import type { JournalEntry } from "../../shared/journal/turn-journal.js";
import { TurnFollower } from "./turn-follower.js";

const entry = (seq: number, end = false): JournalEntry => ({ seq, frame: JSON.stringify({ seq, end }), end });
const seqsOf = (frames: string[]) => frames.map((f) => (JSON.parse(f) as { seq: number }).seq);

function setup(leaseMs = 60_000) {
  let offset = 0;
  const journal = new MemoryTurnJournal({ ttlMs: 60_000, leaseMs, now: () => Date.now() + offset });
  const sent: string[] = [];
  return { journal, sent, advance: (ms: number) => void (offset += ms) };
}

describe("TurnFollower", () => {
  it("replays what the client missed, then follows the running turn to its end", async () => {
    const { journal, sent } = setup();
    await journal.begin("s", "t1", "A");
    await journal.append("s", "t1", "A", [entry(1), entry(2), entry(3)], 3);
    const follower = new TurnFollower(journal, "s", 1, (f) => sent.push(f), "B");
    const done = follower.run();
    await new Promise((r) => setTimeout(r, 20));
    expect(seqsOf(sent)).toEqual([2, 3]);
    await journal.append("s", "t1", "A", [entry(4), entry(5, true)], 5);
    expect(await done).toBe("ended");
    expect(seqsOf(sent)).toEqual([2, 3, 4, 5]);
    await journal.close();
  });

  it("does not stop at the previous turn's end when the client missed frames of both turns", async () => {
    const { journal, sent } = setup();
    await journal.begin("s", "t1", "A");
    await journal.append("s", "t1", "A", [entry(1), entry(2, true)], 2);
    await journal.begin("s", "t2", "A");
    await journal.append("s", "t2", "A", [entry(3)], 1);
    const done = new TurnFollower(journal, "s", 1, (f) => sent.push(f), "B").run();
    await new Promise((r) => setTimeout(r, 20));
    await journal.append("s", "t2", "A", [entry(4, true)], 2);
    expect(await done).toBe("ended");
    expect(seqsOf(sent)).toEqual([2, 3, 4]);
    await journal.close();
  });

  it("ends a turn whose owner's lease expired with one AGENT_UNAVAILABLE error", async () => {
    const { journal, sent, advance } = setup(1_000);
    await journal.begin("s", "t1", "A");
    await journal.append("s", "t1", "A", [entry(1)], 1);
    advance(1_001);
    expect(await new TurnFollower(journal, "s", 1, (f) => sent.push(f), "B").run()).toBe("ended");
    expect(sent.map((f) => JSON.parse(f))).toEqual([
      expect.objectContaining({ type: "error", seq: 2, turn_id: "t1", error: expect.objectContaining({ code: "AGENT_UNAVAILABLE" }) }),
    ]);
    expect((await journal.begin("s", "t2", "B")).ok).toBe(true);
    await journal.close();
  }, 10_000);

  it("reports a session without a journal, and stops when told", async () => {
    const { journal, sent } = setup();
    expect(await new TurnFollower(journal, "nobody", 0, (f) => sent.push(f), "B").run()).toBe("no_journal");
    await journal.begin("s", "t1", "A");
    const follower = new TurnFollower(journal, "s", 0, (f) => sent.push(f), "B");
    const run = follower.run();
    follower.stop();
    expect(await run).toBe("stopped");
    expect(sent).toEqual([]);
    await journal.close();
  });
});
