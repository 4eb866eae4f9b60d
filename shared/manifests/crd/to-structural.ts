// Turns a valibot schema into a structural OpenAPI v3 schema for a CRD. @valibot/to-json-schema does
// the walk; this file reshapes its output where Kubernetes is stricter than JSON Schema.
//
// The CRD must accept every manifest our loader accepts (the API server must not refuse what local
// mode runs), so we convert the schema's INPUT side (typeMode "input"): a pipe stops before its first
// transform, so early alias shapes and values a transform normalises (a number for a decimal string)
// stay accepted. Checks that are code (v.check, v.rawCheck, v.forward) cannot be expressed and are
// skipped: the CRD is as strict as the schema's shape, the loader adds the cross-field rules.
import { type JsonSchema, toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { INT_OR_STRING, PRESERVE_UNKNOWN_FIELDS, type SchemaType, type StructuralSchema } from "./structural-schema.js";

type Json = Record<string, unknown>;

// Keywords copied as they are: value validations Kubernetes supports outside logical junctors.
const COPIED = [
  "description",
  "title",
  "enum",
  "default",
  "format",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "nullable",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
] as const;
// Keywords handled by the reshaping below (or meaningless in a CRD and dropped on purpose).
const HANDLED = new Set<string>([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "anyOf",
  "oneOf",
  "const",
  "$ref",
  "$schema",
  "$defs",
  "definitions",
  "examples",
  PRESERVE_UNKNOWN_FIELDS,
]);
const SCALAR_TYPES = new Set<string>(["string", "integer", "number", "boolean"]);

function isJson(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSchemaType(value: unknown): value is SchemaType {
  return value === "object" || value === "array" || (typeof value === "string" && SCALAR_TYPES.has(value));
}

class ConversionError extends Error {
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = "ConversionError";
  }
}

/** Converts the input side of a valibot schema; throws on anything a CRD cannot express. */
export function toStructuralSchema(schema: v.GenericSchema, path = "spec"): StructuralSchema {
  const json = toJsonSchema(schema, {
    target: "openapi-3.0",
    typeMode: "input",
    errorMode: "throw",
    ignoreActions: ["check", "raw_check"],
    // Loose objects keep unknown fields through the loader, so the API server must keep them too.
    overrideSchema: ({ valibotSchema, jsonSchema }) =>
      valibotSchema.type === "loose_object" ? { ...jsonSchema, [PRESERVE_UNKNOWN_FIELDS]: true } : undefined,
  });
  // A fresh tree: to-json-schema may share nodes (e.g. one enum array) between fields.
  return structuredClone(new Converter(json).convert(json, path, new Set()));
}

class Converter {
  constructor(private readonly root: JsonSchema) {}

  convert(node: unknown, path: string, seenRefs: ReadonlySet<string>): StructuralSchema {
    if (!isJson(node)) throw new ConversionError(path, "expected a schema object");
    if (typeof node.$ref === "string") return this.convert(this.resolve(node.$ref, path, seenRefs), path, new Set([...seenRefs, node.$ref]));
    for (const key of Object.keys(node)) {
      if (!HANDLED.has(key) && !(COPIED as readonly string[]).includes(key)) {
        throw new ConversionError(path, `JSON Schema keyword ${key} has no CRD equivalent`);
      }
    }
    const alternatives = node.anyOf ?? node.oneOf;
    if (Array.isArray(alternatives)) {
      const merged = mergeAlternatives(alternatives.map((alt, i) => this.convert(alt, `${path}[alternative ${i}]`, seenRefs)));
      return { ...merged, ...copied(node) };
    }
    const type = node.type ?? inferType(node);
    if (type === undefined) {
      if (Object.keys(node).every((key) => key === "description" || key === "title")) {
        return { ...copied(node), [PRESERVE_UNKNOWN_FIELDS]: true }; // v.unknown(): any JSON value
      }
      throw new ConversionError(path, "schema has no type");
    }
    if (!isSchemaType(type)) throw new ConversionError(path, `type ${JSON.stringify(type)} is not allowed in a CRD`);
    const out: StructuralSchema = { type, ...copied(node) };
    if (node.const !== undefined) out.enum = [node.const];
    if (type === "array") {
      if (!isJson(node.items)) throw new ConversionError(path, "arrays need a single items schema (tuples are not allowed)");
      out.items = this.convert(node.items, `${path}[]`, seenRefs);
    }
    if (type === "object") this.convertObject(node, out, path, seenRefs);
    return out;
  }

  private convertObject(node: Json, out: StructuralSchema, path: string, seenRefs: ReadonlySet<string>): void {
    const properties = isJson(node.properties) ? Object.entries(node.properties) : [];
    const loose = node[PRESERVE_UNKNOWN_FIELDS] === true || node.additionalProperties === true;
    if (properties.length > 0) {
      // properties and additionalProperties are mutually exclusive in a CRD: a closed object relies
      // on pruning (additionalProperties: false is dropped), an open one on preserve-unknown-fields.
      out.properties = Object.fromEntries(
        properties.map(([key, value]) => [key, this.convert(value, `${path}.${key}`, seenRefs)]),
      );
      const required = Array.isArray(node.required) ? node.required.filter((r) => typeof r === "string") : [];
      if (required.length > 0) out.required = required;
      if (loose) out[PRESERVE_UNKNOWN_FIELDS] = true;
      return;
    }
    if (isJson(node.additionalProperties)) {
      const values = this.convert(node.additionalProperties, `${path}[key]`, seenRefs);
      // A map of unknown values (v.record(string, unknown)) is a free-form object: JSON Schemas, config.
      if (values.type === undefined && values[PRESERVE_UNKNOWN_FIELDS] === true && values[INT_OR_STRING] === undefined) {
        out[PRESERVE_UNKNOWN_FIELDS] = true;
      } else {
        out.additionalProperties = values;
      }
      return;
    }
    if (loose) out[PRESERVE_UNKNOWN_FIELDS] = true;
  }

  private resolve(ref: string, path: string, seenRefs: ReadonlySet<string>): unknown {
    if (seenRefs.has(ref)) throw new ConversionError(path, `recursive schema ${ref} cannot be a CRD (no $ref in structural schemas)`);
    const match = /^#\/(\$defs|definitions|components\/schemas)\/(.+)$/.exec(ref);
    const defs: unknown = match?.[1] === "components/schemas" ? undefined : this.root[match?.[1] === "definitions" ? "definitions" : "$defs"];
    const target = match && isJson(defs) ? defs[decodeURIComponent(match[2] ?? "")] : undefined;
    if (target === undefined) throw new ConversionError(path, `cannot inline ${ref}`);
    return target;
  }
}

function copied(node: Json): Partial<StructuralSchema> {
  const out: Json = {};
  for (const key of COPIED) if (node[key] !== undefined) out[key] = node[key];
  return out as Partial<StructuralSchema>; // only StructuralSchema keys are copied, with JSON values
}

/** `enum`/`const` without a type: the type of the values when they agree. */
function inferType(node: Json): SchemaType | undefined {
  const values = Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : [];
  const types = new Set(values.map((value) => (Number.isInteger(value) ? "integer" : typeof value)));
  const [only] = types;
  return types.size === 1 && isSchemaType(only) ? only : undefined;
}

/**
 * One schema accepting every alternative of a union. Structural schemas forbid types inside anyOf
 * (except the int-or-string pattern), so alternatives of one type are merged, integer|string becomes
 * x-kubernetes-int-or-string, and anything else (e.g. string|number) becomes an untyped value with
 * preserve-unknown-fields: looser than the union, and the loader still checks the exact shape.
 */
export function mergeAlternatives(alternatives: readonly StructuralSchema[]): StructuralSchema {
  const [first] = alternatives;
  if (first === undefined) return { [PRESERVE_UNKNOWN_FIELDS]: true };
  if (alternatives.length === 1) return first;
  const types = new Set(alternatives.map((alt) => alt.type));
  if (types.size === 1 && first.type !== undefined) return mergeSameType(first.type, alternatives);
  if (types.size === 2 && types.has("integer") && types.has("string")) {
    return { [INT_OR_STRING]: true, anyOf: [{ type: "integer" }, { type: "string" }] };
  }
  return { [PRESERVE_UNKNOWN_FIELDS]: true };
}

function mergeSameType(type: SchemaType, alternatives: readonly StructuralSchema[]): StructuralSchema {
  if (type === "array") {
    return { type, items: mergeAlternatives(alternatives.map((alt) => alt.items ?? { [PRESERVE_UNKNOWN_FIELDS]: true })) };
  }
  if (type !== "object") {
    const enums = alternatives.map((alt) => alt.enum);
    const allEnums = enums.every((e) => e !== undefined);
    return allEnums ? { type, enum: [...new Set(enums.flat())] } : { type };
  }
  const out: StructuralSchema = { type };
  const keys = [...new Set(alternatives.flatMap((alt) => Object.keys(alt.properties ?? {})))];
  if (keys.length > 0) {
    out.properties = Object.fromEntries(
      keys.map((key) => [
        key,
        mergeAlternatives(alternatives.flatMap((alt) => (alt.properties?.[key] ? [alt.properties[key]] : []))),
      ]),
    );
    const required = keys.filter((key) => alternatives.every((alt) => alt.required?.includes(key)));
    if (required.length > 0) out.required = required;
  }
  const maps = alternatives.flatMap((alt) => (alt.additionalProperties ? [alt.additionalProperties] : []));
  if (keys.length === 0 && maps.length === alternatives.length) out.additionalProperties = mergeAlternatives(maps);
  if (alternatives.some((alt) => alt[PRESERVE_UNKNOWN_FIELDS]) || (keys.length > 0 && maps.length > 0)) {
    out[PRESERVE_UNKNOWN_FIELDS] = true;
  }
  return out;
}
