import { describe, expect, it } from "vitest";
import { ConfigError, loadOperatorConfig } from "./operator-config.js";

describe("loadOperatorConfig", () => {
  it("takes the Lease namespace and identity from the downward API variables, with defaults", () => {
    expect(loadOperatorConfig({ OMNIA_OPERATOR_NAMESPACE: "ops", OMNIA_OPERATOR_IDENTITY: "pod-1" })).toEqual({
      logLevel: "info",
      lease: { namespace: "ops", name: "omnia-operator", identity: "pod-1" },
      edgeWorker: { bundlePath: "/app/dist/edge-worker.js", cloudflareApiUrl: "https://api.cloudflare.com/client/v4" },
    });
    expect(loadOperatorConfig({ HOSTNAME: "host" }).lease).toEqual({ namespace: "omnia-system", name: "omnia-operator", identity: "host" });
  });

  it("takes the edge Worker bundle and the Cloudflare API base from the environment", () => {
    expect(loadOperatorConfig({ OMNIA_EDGE_WORKER_BUNDLE: "/opt/w.js", OMNIA_CLOUDFLARE_API_URL: "http://127.0.0.1:9/client/v4" }).edgeWorker).toEqual({
      bundlePath: "/opt/w.js",
      cloudflareApiUrl: "http://127.0.0.1:9/client/v4",
    });
    expect(() => loadOperatorConfig({ OMNIA_CLOUDFLARE_API_URL: "api.cloudflare.com" })).toThrow(/OMNIA_CLOUDFLARE_API_URL: must be an absolute URL/);
  });

  it("names the variable that is wrong", () => {
    expect(() => loadOperatorConfig({ OMNIA_LOG_LEVEL: "loud" })).toThrow(ConfigError);
    expect(() => loadOperatorConfig({ OMNIA_LOG_LEVEL: "loud" })).toThrow(/OMNIA_LOG_LEVEL/);
  });
});
