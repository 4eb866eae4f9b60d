import { describe, expect, it } from "vitest";
import type { PromptPack } from "../../shared/manifests/prompt-pack.js";
import { validPackJson } from "../../shared/manifests/test-fixtures.js";
import { contentHash } from "../agent-runtime/content-hash.js";
import { promptPackStatus } from "./status.js";

const pack: PromptPack = {
  apiVersion: "omnia.altairalabs.ai/v1alpha1",
  kind: "PromptPack",
  metadata: { name: "assistant", namespace: "default", generation: 3 },
  spec: { packName: "assistant", version: "1.0.0", source: { type: "configmap", configMapRef: { name: "assistant-pack" } } },
};
const text = JSON.stringify(validPackJson);
const T0 = "2026-01-01T00:00:00.000Z";
const T1 = "2026-01-01T00:05:00.000Z";
const cond = (s: ReturnType<typeof promptPackStatus>, type: string) => s.conditions.find((c) => c.type === type);

describe("promptPackStatus", () => {
  it("a valid pack is Active, with the content hash the agents' pod template carries", () => {
    const s = promptPackStatus({ promptPack: pack, configMap: { data: { "pack.json": text } }, now: T0 });
    expect(s).toMatchObject({ phase: "Active", activeVersion: contentHash(text), lastUpdated: T0, observedGeneration: 3 });
    expect(cond(s, "SourceValid")).toMatchObject({ status: "True", observedGeneration: 3, lastTransitionTime: T0 });
    expect(cond(s, "SchemaValid")).toMatchObject({ status: "True", reason: "SchemaValid" });
  });

  it("a missing ConfigMap or key is SourceValid=False and Failed", () => {
    const missing = promptPackStatus({ promptPack: pack, configMap: undefined, now: T0 });
    expect(missing.phase).toBe("Failed");
    expect(cond(missing, "SourceValid")).toMatchObject({ status: "False", reason: "ConfigMapNotFound", message: expect.stringContaining('ConfigMap "assistant-pack" not found') });
    expect(cond(missing, "SchemaValid")).toMatchObject({ status: "Unknown" });
    const noKey = promptPackStatus({ promptPack: pack, configMap: { data: {} }, now: T0 });
    expect(cond(noKey, "SourceValid")).toMatchObject({ status: "False", reason: "KeyNotFound" });
  });

  it("names the schema error, keeps the last good activeVersion, and moves lastTransitionTime only on a change", () => {
    const good = promptPackStatus({ promptPack: pack, configMap: { data: { "pack.json": text } }, now: T0 });
    const broken = JSON.stringify({ ...validPackJson, template_engine: undefined });
    const bad = promptPackStatus({ promptPack: pack, configMap: { data: { "pack.json": broken } }, previous: good, now: T1 });
    expect(bad).toMatchObject({ phase: "Failed", activeVersion: good.activeVersion, lastUpdated: T0 });
    expect(cond(bad, "SchemaValid")).toMatchObject({ status: "False", reason: "SchemaInvalid", lastTransitionTime: T1, message: expect.stringContaining("must have required property 'template_engine'") });
    expect(cond(bad, "SourceValid")?.lastTransitionTime).toBe(T0);
    const json = promptPackStatus({ promptPack: pack, configMap: { data: { "pack.json": "{" } }, previous: good, now: T1 });
    expect(cond(json, "SchemaValid")).toMatchObject({ status: "False", reason: "InvalidJSON" });
    const again = promptPackStatus({ promptPack: pack, configMap: { data: { "pack.json": text } }, previous: good, now: T1 });
    expect(again).toEqual(good);
  });
});
