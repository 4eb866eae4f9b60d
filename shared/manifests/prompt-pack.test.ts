import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { describeIssues } from "./issue-path.js";
import { PromptPackSchema } from "./prompt-pack.js";
import { promptPack } from "./test-fixtures.js";

function issues(input: unknown) {
  const result = v.safeParse(PromptPackSchema, input);
  return result.success ? [] : describeIssues(result.issues);
}

describe("PromptPackSchema", () => {
  it("parses the configmap source", () => {
    const parsed = v.parse(PromptPackSchema, promptPack());
    expect(parsed.spec.source.configMapRef.name).toBe("assistant-pack");
  });

  it("rejects an unsupported source type and a missing version", () => {
    const base = promptPack();
    const input = { ...base, spec: { packName: "p", source: { ...base.spec.source, type: "git" } } };
    expect(issues(input)).toEqual([
      { field: "spec.version", message: "required" },
      { field: "spec.source.type", message: '"git" is not a supported source type (configmap)' },
    ]);
  });
});
