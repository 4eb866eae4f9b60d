// The one answer both targets give: Omnia's mock provider is configured with it, and the bare
// server streams the same words, so both send frames of the same size and number per turn.
export const RESPONSE_WORDS = [
  "Omnia", "answers", "this", "benchmark", "with", "exactly", "twenty", "short", "words", "so",
  "every", "turn", "streams", "the", "same", "frames", "to", "each", "load", "client",
] as const;

export const RESPONSE_TEXT = RESPONSE_WORDS.join(" ");
/** One chunk per word, then one done. */
export const FRAMES_PER_TURN = RESPONSE_WORDS.length + 1;
export const MESSAGE_CONTENT = "hi";
