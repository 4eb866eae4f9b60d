import { describe, expect, it } from "vitest";
import { turnFrameJson } from "./turn-frames.js";

describe("done frame usage", () => {
  it("gives cost_usd as the decimal the runtime priced, after its trip over gRPC as a 32-bit float", () => {
    for (const cost of [0.032, 0.000105, 1.5, 0]) {
      const json = turnFrameJson({ type: "done", content: "hi", parts: [], usage: { inputTokens: 10, outputTokens: 4, costUsd: Math.fround(cost) } }, "s1", 3, "t1");
      expect(JSON.parse(json).usage).toEqual({ input_tokens: 10, output_tokens: 4, cost_usd: cost });
    }
  });
});
