import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { structuralViolations } from "./structural-rules.js";
import { mergeAlternatives, toStructuralSchema } from "./to-structural.js";

/** Converts an object schema and checks the result is structural as the root of a CRD. */
function convert(schema: v.GenericSchema) {
  const out = toStructuralSchema(schema);
  expect(structuralViolations({ type: "object", properties: { spec: out } })).toEqual([]);
  return out;
}

describe("toStructuralSchema", () => {
  it("types every field, keeps required, defaults, enums, bounds, patterns and descriptions", () => {
    const out = convert(
      v.object({
        name: v.pipe(v.string(), v.minLength(1), v.regex(/^[a-z]+$/), v.description("the name")),
        port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)), 8080),
        mode: v.picklist(["a", "b"]),
        fixed: v.literal("x"),
        when: v.optional(v.pipe(v.string(), v.isoTimestamp())),
        list: v.optional(v.array(v.boolean())),
      }),
    );
    expect(out).toEqual({
      type: "object",
      properties: {
        name: { type: "string", minLength: 1, pattern: "^[a-z]+$", description: "the name" },
        port: { type: "integer", minimum: 1, maximum: 65535, default: 8080 },
        mode: { type: "string", enum: ["a", "b"] },
        fixed: { type: "string", enum: ["x"] },
        when: { type: "string", format: "date-time" },
        list: { type: "array", items: { type: "boolean" } },
      },
      required: ["name", "mode", "fixed"],
    });
  });

  it("keeps unknown fields of loose objects, drops them (pruning) for plain and strict ones", () => {
    const out = convert(
      v.object({
        loose: v.looseObject({ a: v.optional(v.string()) }),
        empty: v.looseObject({}),
        strict: v.strictObject({ a: v.optional(v.string()) }),
      }),
    );
    expect(out.properties?.loose).toEqual({
      type: "object",
      properties: { a: { type: "string" } },
      "x-kubernetes-preserve-unknown-fields": true,
    });
    expect(out.properties?.empty).toEqual({ type: "object", "x-kubernetes-preserve-unknown-fields": true });
    expect(out.properties?.strict).toEqual({ type: "object", properties: { a: { type: "string" } } });
    expect(out["x-kubernetes-preserve-unknown-fields"]).toBeUndefined();
  });

  it("makes typed maps additionalProperties and maps of unknown values free-form objects", () => {
    const out = convert(v.object({ labels: v.record(v.string(), v.string()), schema: v.record(v.string(), v.unknown()), any: v.unknown() }));
    expect(out.properties?.labels).toEqual({ type: "object", additionalProperties: { type: "string" } });
    expect(out.properties?.schema).toEqual({ type: "object", "x-kubernetes-preserve-unknown-fields": true });
    expect(out.properties?.any).toEqual({ "x-kubernetes-preserve-unknown-fields": true });
  });

  it("converts the input side of a pipe: a value a transform normalises is still accepted", () => {
    const Decimal = v.pipe(v.union([v.string(), v.number()]), v.transform(String), v.regex(/^\d+(\.\d+)?$/));
    const IntOrString = v.union([v.pipe(v.number(), v.integer()), v.string()]);
    const out = convert(v.object({ price: Decimal, quantity: IntOrString, count: v.pipe(v.string(), v.transform(Number)) }));
    expect(out.properties?.price).toEqual({ "x-kubernetes-preserve-unknown-fields": true });
    expect(out.properties?.quantity).toEqual({
      "x-kubernetes-int-or-string": true,
      anyOf: [{ type: "integer" }, { type: "string" }],
    });
    expect(out.properties?.count).toEqual({ type: "string" });
  });

  it("ignores code checks and whole-object transforms, describing the shape the loader takes", () => {
    const Spec = v.pipe(
      v.object({ current: v.optional(v.string()), early: v.optional(v.string()) }),
      v.check((s) => s.current !== undefined || s.early !== undefined, "set one"),
      v.transform((s) => ({ value: s.current ?? s.early })),
    );
    expect(convert(Spec)).toEqual({ type: "object", properties: { current: { type: "string" }, early: { type: "string" } } });
  });

  it("merges unions of objects and of enums into one schema", () => {
    const out = convert(
      v.object({
        ref: v.union([v.object({ name: v.string(), a: v.number() }), v.object({ name: v.string(), b: v.boolean() })]),
        level: v.union([v.picklist(["low", "high"]), v.literal("off")]),
      }),
    );
    expect(out.properties?.ref).toEqual({
      type: "object",
      properties: { name: { type: "string" }, a: { type: "number" }, b: { type: "boolean" } },
      required: ["name"],
    });
    expect(out.properties?.level).toEqual({ type: "string", enum: ["low", "high", "off"] });
  });

  it("inlines lazy schemas and refuses recursive ones", () => {
    const Leaf = v.object({ id: v.string() });
    expect(convert(v.object({ leaf: v.lazy(() => Leaf) })).properties?.leaf).toEqual({
      type: "object",
      properties: { id: { type: "string" } },
      required: ["id"],
    });
    type Tree = { children?: Tree[] };
    const TreeSchema: v.GenericSchema<Tree> = v.object({ children: v.optional(v.array(v.lazy(() => TreeSchema))) });
    expect(() => toStructuralSchema(v.object({ tree: TreeSchema }))).toThrow(/recursive schema/);
  });

  it("refuses what JSON cannot carry, and loosens a tuple to a list of any of its item types", () => {
    expect(() => toStructuralSchema(v.object({ when: v.date() }))).toThrow();
    expect(convert(v.object({ pair: v.tuple([v.string(), v.number()]) })).properties?.pair).toEqual({
      type: "array",
      items: { "x-kubernetes-preserve-unknown-fields": true },
      minItems: 2,
      maxItems: 2,
    });
  });
});

describe("mergeAlternatives", () => {
  it("falls back to any value for mixed scalar types", () => {
    expect(mergeAlternatives([{ type: "boolean" }, { type: "string" }])).toEqual({ "x-kubernetes-preserve-unknown-fields": true });
  });
});
