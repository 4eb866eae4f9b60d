import { describe, expect, it } from "vitest";
import { SessionSequences } from "./session-sequences.js";

describe("SessionSequences", () => {
  it("keeps one counter per session across turns", () => {
    const seqs = new SessionSequences();
    const a = seqs.counter("a");
    a.last += 2;
    expect(seqs.counter("b").last).toBe(0);
    expect(seqs.counter("a").last).toBe(2);
  });
  it("forgets the least recently used session when full", () => {
    const seqs = new SessionSequences(2);
    seqs.counter("a").last = 5;
    seqs.counter("b").last = 7;
    seqs.counter("a");
    seqs.counter("c"); // evicts b
    expect(seqs.counter("a").last).toBe(5);
    expect(seqs.counter("b").last).toBe(0);
  });
});
