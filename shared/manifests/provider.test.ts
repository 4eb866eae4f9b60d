import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { describeIssues } from "./issue-path.js";
import { defaultProviderSecretKey, ProviderSchema, providerKeyEnvName } from "./provider.js";
import { provider } from "./test-fixtures.js";

function issues(input: unknown) {
  const result = v.safeParse(ProviderSchema, input);
  return result.success ? [] : describeIssues(result.issues);
}

describe("ProviderSchema", () => {
  it("defaults the role to llm and keeps prices as strings", () => {
    const parsed = v.parse(
      ProviderSchema,
      provider("claude", { type: "claude", model: "claude-sonnet-4", pricing: { inputCostPer1K: "0.003", outputCostPer1K: 0.015 } }),
    );
    expect(parsed.spec.role).toBe("llm");
    expect(parsed.spec.pricing).toEqual({ inputCostPer1K: "0.003", outputCostPer1K: "0.015" });
  });

  it("rejects an unknown provider type", () => {
    expect(issues(provider("p", { type: "gpt" }))).toEqual([
      {
        field: "spec.type",
        message: '"gpt" is not one of claude, openai, gemini, ollama, mock, vllm, voyageai, cartesia, elevenlabs, imagen, huggingface',
      },
    ]);
  });

  it("allows at most one credential source", () => {
    expect(issues(provider("p", { type: "openai", credential: { envVar: "KEY", filePath: "/k" } }))).toEqual([
      { field: "spec.credential", message: "set at most one of secretRef, envVar, filePath" },
    ]);
  });

  it("allows role blocks only with their role", () => {
    expect(issues(provider("p", { type: "openai", tts: { voice: "alloy" } }))).toEqual([
      { field: "spec.tts", message: "only allowed when role is tts (role is llm)" },
    ]);
  });

  it("rejects a non-numeric price", () => {
    expect(issues(provider("p", { type: "mock", pricing: { inputCostPer1K: "cheap" } }))).toEqual([
      { field: "spec.pricing.inputCostPer1K", message: '"cheap" is not a decimal number' },
    ]);
  });
});

describe("provider keys", () => {
  it("defaults a secretRef's key as the reference does, and names the variable the runtime reads it from", () => {
    expect(defaultProviderSecretKey("claude")).toBe("ANTHROPIC_API_KEY");
    expect(defaultProviderSecretKey("gemini")).toBe("GEMINI_API_KEY");
    expect(defaultProviderSecretKey("ollama")).toBe("api-key");
    expect(providerKeyEnvName("openai")).toBe("OPENAI_API_KEY");
    expect(providerKeyEnvName("vllm")).toBe("OMNIA_PROVIDER_API_KEY");
  });
});
