import { describe, expect, it } from "vitest";
import { countWords } from "./count-words.js";

const byRegex = (text: string) => text.match(/\S+/g)?.length ?? 0;

describe("countWords", () => {
  it("agrees with /\\S+/g on every UTF-16 code unit", () => {
    for (let code = 0; code <= 0xffff; code++) {
      const text = `a${String.fromCharCode(code)}b`;
      if (countWords(text) !== byRegex(text)) throw new Error(`disagrees on U+${code.toString(16)}`);
    }
  });

  it("agrees with /\\S+/g on mixed text", () => {
    for (const text of ["", "   ", "one", " one  two\tthree\nfour ", "naïve café 🚀 ok", "a\u00a0b\u2003c\u3000d\ufeffe", '{"precision": "city"}']) {
      expect(countWords(text)).toBe(byRegex(text));
    }
  });
});
