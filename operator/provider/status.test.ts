import { describe, expect, it } from "vitest";
import type { Provider } from "../../shared/manifests/provider.js";
import { providerStatus } from "./status.js";

const T0 = "2026-01-01T00:00:00.000Z";
const T1 = "2026-01-01T00:05:00.000Z";
const provider = (spec: Partial<Provider["spec"]>): Provider => ({
  apiVersion: "omnia.altairalabs.ai/v1alpha1",
  kind: "Provider",
  metadata: { name: "llm", namespace: "default", generation: 2 },
  spec: { type: "claude", role: "llm", ...spec },
});
const cond = (s: ReturnType<typeof providerStatus>, type: string) => s.conditions.find((c) => c.type === type);

describe("providerStatus", () => {
  it("a mock needs no credential and has no SecretFound", () => {
    const s = providerStatus({ provider: provider({ type: "mock" }), secret: undefined, now: T0 });
    expect(s).toMatchObject({ phase: "Ready", observedGeneration: 2 });
    expect(s.conditions.map((c) => c.type)).toEqual(["CredentialConfigured"]);
    expect(cond(s, "CredentialConfigured")).toMatchObject({ status: "True", reason: "NotRequired" });
  });

  it("a keyed type without any credential source is CredentialConfigured=False", () => {
    const s = providerStatus({ provider: provider({}), secret: undefined, now: T0 });
    expect(s.phase).toBe("Error");
    expect(cond(s, "CredentialConfigured")).toMatchObject({ status: "False", reason: "NoCredential", message: expect.stringContaining("ANTHROPIC_API_KEY") });
    const env = providerStatus({ provider: provider({ credential: { envVar: "MY_KEY" } }), secret: undefined, now: T0 });
    expect(env.phase).toBe("Ready");
  });

  it("checks the Secret and its key (defaulted by type), moving lastTransitionTime only on a change", () => {
    const p = provider({ credential: { secretRef: { name: "keys" } } });
    const missing = providerStatus({ provider: p, secret: undefined, now: T0 });
    expect(missing.phase).toBe("Error");
    expect(cond(missing, "SecretFound")).toMatchObject({ status: "False", reason: "SecretNotFound", message: 'Secret "keys" not found in namespace default' });
    expect(cond(missing, "CredentialConfigured")).toMatchObject({ status: "True", reason: "SecretRef" });
    const noKey = providerStatus({ provider: p, secret: { data: { other: "eA==" } }, previousConditions: missing.conditions, now: T1 });
    expect(cond(noKey, "SecretFound")).toMatchObject({ status: "False", reason: "KeyNotFound", lastTransitionTime: T0 });
    const found = providerStatus({ provider: p, secret: { data: { ANTHROPIC_API_KEY: "eA==" } }, previousConditions: noKey.conditions, now: T1 });
    expect(found.phase).toBe("Ready");
    expect(cond(found, "SecretFound")).toMatchObject({ status: "True", lastTransitionTime: T1 });
    expect(cond(found, "CredentialConfigured")?.lastTransitionTime).toBe(T0);
    const legacy = providerStatus({ provider: provider({ type: "openai", secretRef: { name: "keys", key: "k" } }), secret: { stringData: { k: "x" } }, now: T0 });
    expect(cond(legacy, "SecretFound")).toMatchObject({ status: "True", message: 'Secret "keys" has key k' });
  });
});
