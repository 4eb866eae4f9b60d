import { describe, expect, it } from "vitest";
import { ConfigError, loadOperatorConfig } from "./operator-config.js";

describe("loadOperatorConfig", () => {
  it("takes the Lease namespace and identity from the downward API variables, with defaults", () => {
    expect(loadOperatorConfig({ OMNIA_OPERATOR_NAMESPACE: "ops", OMNIA_OPERATOR_IDENTITY: "pod-1" })).toEqual({
      logLevel: "info",
      lease: { namespace: "ops", name: "omnia-operator", identity: "pod-1" },
    });
    expect(loadOperatorConfig({ HOSTNAME: "host" }).lease).toEqual({ namespace: "omnia-system", name: "omnia-operator", identity: "host" });
  });

  it("names the variable that is wrong", () => {
    expect(() => loadOperatorConfig({ OMNIA_LOG_LEVEL: "loud" })).toThrow(ConfigError);
    expect(() => loadOperatorConfig({ OMNIA_LOG_LEVEL: "loud" })).toThrow(/OMNIA_LOG_LEVEL/);
  });
});
