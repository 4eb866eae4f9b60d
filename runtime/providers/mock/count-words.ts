// Word counting for the mock's token estimates. The input estimate counts every word of the whole
// history on every model call, so this walks the text once without allocating, instead of
// `text.match(/\S+/g)`, which builds one string per word. Same count: a word is a run of
// characters that are not JavaScript whitespace (\s).

/** Number of runs of non-whitespace characters, as `text.match(/\S+/g)?.length ?? 0`. */
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

// \s: the ECMAScript WhiteSpace and LineTerminator code points.
function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}
