import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ConfigMapSchema } from "./config-map.js";
import { describeIssues } from "./issue-path.js";
import { SecretSchema, secretValue } from "./secret.js";

const meta = { name: "creds" };

describe("SecretSchema", () => {
  it("decodes data and prefers stringData", () => {
    const secret = v.parse(SecretSchema, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta,
      data: { url: Buffer.from("redis://r:6379").toString("base64"), key: "b2xk" },
      stringData: { key: "new" },
    });
    expect(secret.type).toBe("Opaque");
    expect(secretValue(secret, "url")).toBe("redis://r:6379");
    expect(secretValue(secret, "key")).toBe("new");
    expect(secretValue(secret, "missing")).toBeUndefined();
  });

  it("rejects data that is not base64", () => {
    const result = v.safeParse(SecretSchema, { apiVersion: "v1", kind: "Secret", metadata: meta, data: { url: "redis://x" } });
    expect(result.success ? [] : describeIssues(result.issues)).toEqual([
      { field: "data.url", message: "must be base64 (use stringData for plain text)" },
    ]);
  });
});

describe("ConfigMapSchema", () => {
  it("defaults data to an empty map and requires string values", () => {
    expect(v.parse(ConfigMapSchema, { apiVersion: "v1", kind: "ConfigMap", metadata: meta }).data).toEqual({});
    const result = v.safeParse(ConfigMapSchema, { apiVersion: "v1", kind: "ConfigMap", metadata: meta, data: { n: 1 } });
    expect(result.success ? [] : describeIssues(result.issues)).toEqual([
      { field: "data.n", message: "Invalid type: Expected string but received 1" },
    ]);
  });
});
