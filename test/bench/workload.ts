import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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

const PACK = {
  id: "bench",
  name: "bench",
  version: "1.0.0",
  template_engine: { version: "v1", syntax: "{{variable}}" },
  prompts: { bench: { id: "bench", name: "bench", version: "1.0.0", system_template: "You are a benchmark." } },
};

/**
 * Writes the bench agent's pod files into dir (pack.json, the mock script answering
 * RESPONSE_TEXT, no tools) and returns the runtime environment that points at them.
 */
export function writeBenchAgent(dir: string): Record<string, string> {
  const packDir = join(dir, "pack");
  mkdirSync(packDir, { recursive: true });
  writeFileSync(join(packDir, "pack.json"), JSON.stringify(PACK, null, 2));
  writeFileSync(join(dir, "mock.yaml"), `defaultResponse: "${RESPONSE_TEXT}"\n`);
  return {
    OMNIA_AGENT_NAME: "bench",
    OMNIA_NAMESPACE: "default",
    OMNIA_PROMPTPACK_PATH: packDir,
    OMNIA_TOOLS_CONFIG_PATH: join(dir, "no-tools.yaml"), // absent on purpose: no tools
    OMNIA_PROVIDER_TYPE: "mock",
    OMNIA_MOCK_CONFIG_PATH: join(dir, "mock.yaml"),
    OMNIA_MOCK_CHUNK_DELAY_MS: "0",
  };
}
