import { describe, expect, it } from "vitest";
import { structuralViolations } from "./structural-rules.js";

const root = (spec: unknown) => ({ type: "object", properties: { metadata: { type: "object" }, spec } });

describe("structuralViolations", () => {
  it("accepts a typed schema with maps, free-form fields, int-or-string and value validation", () => {
    const spec = {
      type: "object",
      properties: {
        labels: { type: "object", additionalProperties: { type: "string" } },
        config: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        any: { "x-kubernetes-preserve-unknown-fields": true },
        port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] },
        a: { type: "string" },
        b: { type: "string" },
      },
      anyOf: [{ required: ["a"] }, { required: ["b"] }],
      not: { required: ["a", "b"] },
    };
    expect(structuralViolations(root(spec))).toEqual([]);
  });

  it("requires a type at the root, on fields and on items", () => {
    expect(structuralViolations({ properties: { spec: { properties: { x: {} } }, list: { type: "array", items: {} } } })).toEqual([
      "openAPIV3Schema: type must not be empty for the root",
      "openAPIV3Schema: the root type must be object",
      "openAPIV3Schema.properties.spec: type must not be empty for object fields",
      "openAPIV3Schema.properties.spec.properties.x: type must not be empty for object fields",
      "openAPIV3Schema.properties.list.items: type must not be empty for array items",
    ]);
  });

  it("forbids types, descriptions and extensions inside junctors, except the int-or-string pattern", () => {
    const spec = { type: "object", properties: { v: { anyOf: [{ type: "string" }, { type: "number", description: "n" }] } } };
    expect(structuralViolations(root(spec))).toEqual([
      "openAPIV3Schema.properties.spec.properties.v: type must not be empty for object fields",
      "openAPIV3Schema.properties.spec.properties.v.anyOf[0]: type is not allowed inside allOf/anyOf/oneOf/not",
      "openAPIV3Schema.properties.spec.properties.v.anyOf[1]: type is not allowed inside allOf/anyOf/oneOf/not",
      "openAPIV3Schema.properties.spec.properties.v.anyOf[1]: description is not allowed inside allOf/anyOf/oneOf/not",
    ]);
  });

  it("requires fields named in junctors to be specified outside them", () => {
    const spec = { type: "object", properties: { a: { type: "string" } }, oneOf: [{ properties: { b: { enum: ["x"] } } }] };
    expect(structuralViolations(root(spec))).toEqual([
      "openAPIV3Schema.properties.spec.oneOf[0].properties.b: must also be specified outside allOf/anyOf/oneOf/not",
    ]);
  });

  it("forbids $ref, definitions, properties beside additionalProperties, and restricting metadata", () => {
    const schema = {
      type: "object",
      definitions: { x: { type: "string" } },
      properties: {
        metadata: { type: "object", properties: { labels: { type: "object" } } },
        spec: { type: "object", properties: { a: { $ref: "#/definitions/x" } }, additionalProperties: { type: "string" } },
      },
    };
    expect(structuralViolations(schema)).toEqual([
      "openAPIV3Schema: definitions is not allowed in a CRD schema",
      "openAPIV3Schema: definitions is not allowed at the root",
      "openAPIV3Schema.properties.metadata: metadata may only restrict name and generateName",
      "openAPIV3Schema.properties.spec: properties and additionalProperties are mutually exclusive",
      "openAPIV3Schema.properties.spec.properties.a: $ref is not allowed in a CRD schema",
      "openAPIV3Schema.properties.spec.properties.a: type must not be empty for object fields",
    ]);
  });

  it("checks list-map keys name required scalar item fields", () => {
    const list = {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["type"],
      items: { type: "object", properties: { type: { type: "string" } } },
    };
    expect(structuralViolations(root({ type: "object", properties: { conditions: list } }))).toEqual([
      "openAPIV3Schema.properties.spec.properties.conditions: list map key type must be required or defaulted",
    ]);
  });
});
