import { describe, expect, it } from "vitest";
import { utf8Length } from "./utf8-length.js";

describe("utf8Length", () => {
  it.each(["", "hello", "héllo", "日本語", "emoji 😀 pair", "\u{10FFFF}"])("matches TextEncoder for %j", (text) => {
    expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
  });
});
