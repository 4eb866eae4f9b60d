import { describe, expect, it } from "vitest";
import { SessionSequences } from "./session-sequences.js";

describe("SessionSequences", () => {
  it("counts up per session, independently", () => {
    const seqs = new SessionSequences();
    expect([seqs.next("a"), seqs.next("a"), seqs.next("b"), seqs.next("a")]).toEqual([1, 2, 1, 3]);
  });
  it("forgets the least recently used session when full", () => {
    const seqs = new SessionSequences(2);
    seqs.next("a");
    seqs.next("b");
    seqs.next("a");
    seqs.next("c"); // evicts b
    expect(seqs.next("a")).toBe(3);
    expect(seqs.next("b")).toBe(1);
  });
});
