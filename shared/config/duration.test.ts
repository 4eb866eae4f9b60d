import { describe, expect, it } from "vitest";
import { parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    ["24h", 86_400_000],
    ["1m30s", 90_000],
    ["500ms", 500],
    ["1.5s", 1_500],
    ["30", 30_000],
  ])("%s is %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "soon", "5x", "h"])("rejects %j, naming it", (text) => {
    expect(() => parseDuration(text)).toThrow(/not a duration/);
  });
});
