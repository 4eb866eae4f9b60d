import { describe, expect, it } from "vitest";
import { agentRuntime, provider } from "../test-fixtures.js";
import { customResourceDefinition } from "./custom-resource-definition.js";
import { AGENT_RUNTIME_CRD, PROVIDER_CRD } from "./omnia-kinds.js";
import { resourceValidator } from "./validate-resource.js";

const validateAgent = resourceValidator(customResourceDefinition(AGENT_RUNTIME_CRD));
const validateProvider = resourceValidator(customResourceDefinition(PROVIDER_CRD));

describe("resourceValidator", () => {
  it("accepts the early alias shapes the loader folds (facade, session, providerRef)", () => {
    const early = agentRuntime("a", {
      facades: undefined,
      providers: undefined,
      facade: { type: "websocket", port: 8080 },
      session: { type: "redis", storeRef: { name: "redis" }, ttl: "1h" },
      providerRef: { name: "mock" },
    });
    expect(validateAgent(JSON.parse(JSON.stringify(early)))).toEqual([]);
  });

  it("states the alias rules the loader checks: one facade form, not both spellings", () => {
    const neither = agentRuntime("a", { facades: undefined });
    expect(validateAgent(JSON.parse(JSON.stringify(neither)))).toContain("spec: must match a schema in anyOf");
    const both = agentRuntime("a", { facade: {}, context: {}, session: {} });
    expect(validateAgent(both).filter((p) => p === "spec: must NOT be valid")).toHaveLength(2);
  });

  it("rejects unknown fields like kubectl's strict field validation, but keeps open blocks open", () => {
    expect(validateAgent(agentRuntime("a", { facadez: [] }))).toEqual(["spec.facadez: unknown field"]);
    expect(validateAgent(agentRuntime("a", { promptPackRef: { name: "p", channel: "x" } }))).toEqual([
      "spec.promptPackRef.channel: unknown field",
    ]);
    expect(validateAgent(agentRuntime("a", { evals: { enabled: true, sampling: { defaultRate: 50 } } }))).toEqual([]);
  });

  it("accepts prices as strings or numbers, as the loader does", () => {
    const spec = { type: "mock", pricing: { inputCostPer1K: "0.003", outputCostPer1K: 0.015 } };
    expect(validateProvider(provider("p", spec))).toEqual([]);
  });

  it("checks apiVersion and kind", () => {
    expect(validateProvider({ ...provider(), apiVersion: "omnia.altairalabs.ai/v1", kind: "Provider" })).toEqual([
      "apiVersion: must be omnia.altairalabs.ai/v1alpha1",
    ]);
  });
});
