// Builds the configured provider behind the LanguageModel interface. The only place that knows
// which providers exist; reads the mock's script file at start so a bad file stops the runtime.
import { readFile } from "node:fs/promises";
import type { RuntimeConfig } from "../config.js";
import type { LanguageModel } from "./language-model.js";
import { MockLanguageModel } from "./mock/mock-language-model.js";
import { parseMockScript } from "./mock/mock-script.js";

export async function createLanguageModel(config: Pick<RuntimeConfig, "provider" | "mock">): Promise<LanguageModel> {
  switch (config.provider.type) {
    case "mock": {
      const path = config.mock.configPath;
      const script = path === undefined ? undefined : parseMockScript(await readText(path, "OMNIA_MOCK_CONFIG_PATH"), path);
      return new MockLanguageModel({
        model: config.provider.model,
        chunkDelayMs: config.mock.chunkDelayMs,
        ...(script ? { script } : {}),
      });
    }
  }
}

async function readText(path: string, variable: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new Error(`${variable}: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
