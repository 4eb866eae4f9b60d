// Behaviour every TurnJournal backend must have; each backend's test file runs it.
import { describe, expect, it } from "vitest";
import { endAbandonedTurn } from "./abandon-turn.js";
import { JournalWriter } from "./journal-writer.js";
import type { JournalEntry, TurnJournal } from "./turn-journal.js";

export interface JournalUnderTest {
  journal: TurnJournal;
  /** Lets the lease expire (an injected clock, or real time). */
  expireLease(): Promise<void>;
}

const frame = (seq: number, text = `f${seq}`) => JSON.stringify({ type: "chunk", content: text, seq });
const entries = (from: number, to: number, endAt?: number): JournalEntry[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, frame: frame(from + i), end: from + i === endAt }));

export function describeTurnJournalContract(name: string, make: () => Promise<JournalUnderTest>): void {
  describe(`TurnJournal contract: ${name}`, () => {
    const withJournal = (test: (j: JournalUnderTest) => Promise<void>) => async () => {
      const underTest = await make();
      try {
        await test(underTest);
      } finally {
        await underTest.journal.close();
      }
    };

    it(
      "journals a turn's frames in order and reads them after any seq",
      withJournal(async ({ journal }) => {
        expect(await journal.begin("s", "t1", "A")).toEqual({ ok: true, lastSeq: 0 });
        expect(await journal.append("s", "t1", "A", entries(1, 2), 2)).toBe("ok");
        expect(await journal.append("s", "t1", "A", entries(3, 3, 3), 3)).toBe("ok");
        const all = await journal.read("s", 0);
        expect(all.entries.map((e) => [e.seq, e.frame, e.end])).toEqual([
          [1, frame(1), false],
          [2, frame(2), false],
          [3, frame(3), true],
        ]);
        expect(all.turn).toMatchObject({ turnId: "t1", owner: "A", running: false, startSeq: 1, lastSeq: 3, events: 3 });
        expect((await journal.read("s", 2)).entries.map((e) => e.seq)).toEqual([3]);
        expect((await journal.read("s", 3)).entries).toEqual([]);
        expect(await journal.read("nobody", 0)).toEqual({ entries: [], turn: null });
      }),
    );

    it(
      "continues seq across turns and keeps only the running turn and the last completed one",
      withJournal(async ({ journal }) => {
        let seq = 0;
        for (const turn of ["t1", "t2", "t3"]) {
          const begun = await journal.begin("s", turn, "A");
          expect(begun).toEqual({ ok: true, lastSeq: seq });
          expect(await journal.append("s", turn, "A", entries(seq + 1, seq + 2, seq + 2), seq + 2)).toBe("ok");
          seq += 2;
        }
        expect(await journal.begin("s", "t4", "A")).toEqual({ ok: true, lastSeq: 6 });
        expect(await journal.append("s", "t4", "A", entries(7, 7), 1)).toBe("ok");
        // t3 (seq 5-6) is the last completed turn; t1 and t2 are gone.
        expect((await journal.read("s", 0)).entries.map((e) => e.seq)).toEqual([5, 6, 7]);
        // null: from the start of the latest turn.
        expect((await journal.read("s", null)).entries.map((e) => e.seq)).toEqual([7]);
      }),
    );

    it(
      "refuses a second turn while one runs, and appends by anyone but the owner",
      withJournal(async ({ journal }) => {
        await journal.begin("s", "t1", "A");
        const second = await journal.begin("s", "t2", "B");
        expect(second).toMatchObject({ ok: false, running: { turnId: "t1", owner: "A", leaseAlive: true } });
        expect(await journal.append("s", "t1", "B", entries(1, 1), 1)).toBe("not_owner");
        expect(await journal.append("s", "t2", "A", entries(1, 1), 1)).toBe("not_owner");
        expect(await journal.renew("s", "t1", "B")).toBe(false);
        expect(await journal.renew("s", "t1", "A")).toBe(true);
        await expect(journal.append("s", "t1", "A", entries(5, 5), 1)).rejects.toThrow(/out of order/);
        expect((await journal.read("s", 0)).entries).toEqual([]);
      }),
    );

    it(
      "hands a running turn to a claimant, after which the old owner can no longer write",
      withJournal(async ({ journal }) => {
        await journal.begin("s", "t1", "facade-a");
        await journal.append("s", "t1", "facade-a", entries(1, 2), 4);
        expect(await journal.claim("s", "t1", "runtime", true)).toBeNull(); // lease still alive
        expect(await journal.claim("s", "other", "runtime", false)).toBeNull();
        expect(await journal.claim("s", "t1", "runtime", false)).toMatchObject({ lastSeq: 2, events: 4, startSeq: 1 });
        expect(await journal.append("s", "t1", "facade-a", entries(3, 3), 5)).toBe("not_owner");
        expect(await journal.append("s", "t1", "runtime", entries(3, 3, 3), 5)).toBe("ok");
        expect(await journal.claim("s", "t1", "someone", false)).toBeNull(); // ended
      }),
    );

    it(
      "lets a turn whose lease expired be ended with one error, then accepts the next turn",
      withJournal(async ({ journal, expireLease }) => {
        await journal.begin("s", "t1", "A");
        await journal.append("s", "t1", "A", entries(1, 1), 1);
        expect(await endAbandonedTurn(journal, "s", "t1", "B")).toBe(false); // lease alive
        await expireLease();
        const refused = await journal.begin("s", "t2", "B");
        expect(refused).toMatchObject({ ok: false, running: { turnId: "t1", leaseAlive: false } });
        expect(await endAbandonedTurn(journal, "s", "t1", "B")).toBe(true);
        expect(await endAbandonedTurn(journal, "s", "t1", "C")).toBe(false);
        const end = (await journal.read("s", 1)).entries;
        expect(end).toHaveLength(1);
        expect(end[0]).toMatchObject({ seq: 2, end: true });
        expect(JSON.parse(end[0]?.frame ?? "{}")).toMatchObject({ type: "error", error: { code: "AGENT_UNAVAILABLE" }, seq: 2, turn_id: "t1" });
        expect(await journal.append("s", "t1", "A", entries(3, 3), 2)).toBe("not_owner");
        expect(await journal.begin("s", "t2", "B")).toEqual({ ok: true, lastSeq: 2 });
      }),
    );

    it(
      "wakes a waiter when frames arrive, for many sessions at once, and times out empty",
      withJournal(async ({ journal }) => {
        for (const s of ["a", "b", "c"]) await journal.begin(s, "t", "A");
        expect(await journal.wait("a", 0, 50)).toEqual([]);
        const waits = ["a", "b", "c"].map((s) => journal.wait(s, 0, 5_000));
        const late = journal.wait("b", 1, 5_000);
        await new Promise((r) => setTimeout(r, 20));
        for (const s of ["c", "a", "b"]) await journal.append(s, "t", "A", entries(1, 1), 1);
        for (const got of await Promise.all(waits)) expect(got.map((e) => e.seq)).toEqual([1]);
        await journal.append("b", "t", "A", entries(2, 2, 2), 2);
        expect((await late).map((e) => e.seq)).toEqual([2]);
        // Frames already there are returned at once.
        expect((await journal.wait("b", 0, 5_000)).map((e) => e.seq)).toEqual([1, 2]);
      }),
    );

    it(
      "writes through a JournalWriter in order, batching frames that arrive during an append",
      withJournal(async ({ journal }) => {
        await journal.begin("s", "t1", "A");
        const sent: number[] = [];
        const writer = new JournalWriter(journal, "s", "t1", "A", 0, {
          appended: (batch) => sent.push(...batch.map((e) => e.seq)),
          stopped: () => {
            throw new Error("unexpected stop");
          },
        });
        for (let i = 0; i < 50; i++) writer.push((seq) => frame(seq), i === 49, i + 1);
        await waitFor(() => sent.length === 50);
        expect(sent).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(writer.stopped).toBe(true);
        const read = await journal.read("s", 0);
        expect(read.entries.map((e) => e.seq)).toEqual(sent);
        expect(read.turn).toMatchObject({ running: false, events: 50 });
      }),
    );

    it(
      "stops a JournalWriter whose turn was taken over, handing back what it could not write",
      withJournal(async ({ journal }) => {
        await journal.begin("s", "t1", "A");
        let stop: { reason: string; unsent: number[] } | undefined;
        const writer = new JournalWriter(journal, "s", "t1", "A", 0, {
          appended: () => {},
          stopped: (reason, unsent) => void (stop = { reason, unsent: unsent.map((e) => e.seq) }),
        });
        writer.push((seq) => frame(seq), false, 1);
        await waitFor(async () => (await journal.read("s", 0)).entries.length === 1);
        await journal.claim("s", "t1", "runtime", false);
        writer.push((seq) => frame(seq), false, 2);
        await waitFor(() => stop !== undefined);
        expect(stop).toEqual({ reason: "not_owner", unsent: [2] });
      }),
    );
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
