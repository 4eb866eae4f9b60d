// Checks that a CRD's openAPIV3Schema is structural, i.e. that the API server will accept it.
// The rules, as documented in "Extend the Kubernetes API with CustomResourceDefinitions", section
// "Specifying a structural schema" (kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/
// custom-resource-definitions/#specifying-a-structural-schema), and as enforced by
// k8s.io/apiextensions-apiserver pkg/apiserver/schema/validation.go (ValidateStructural) and
// pkg/apis/apiextensions/validation/validation.go (ValidateCustomResourceDefinitionOpenAPISchema):
//
//  1. A non-empty `type` at the root, for every field under `properties`/`additionalProperties` and
//     for every array `items`, unless the node sets x-kubernetes-int-or-string or
//     x-kubernetes-preserve-unknown-fields. The root's type is `object`.
//  2. Every field or item named inside allOf/anyOf/oneOf/not is also specified outside them.
//  3. Inside allOf/anyOf/oneOf/not: no type, description, title, default, additionalProperties,
//     nullable or x-kubernetes-* extensions; the one exception is the int-or-string pattern
//     `x-kubernetes-int-or-string: true` + `anyOf: [{type: integer}, {type: string}]`.
//  4. `metadata` at the root may only restrict name and generateName; never named in a junctor.
//  Plus the CRD API validation: no $ref, $schema, definitions, dependencies, patternProperties,
//  additionalItems or id; `type: null` and tuple `items` are forbidden; uniqueItems may not be true;
//  properties and additionalProperties are mutually exclusive, and additionalProperties is not
//  allowed at the root; x-kubernetes-preserve-unknown-fields is true or unset, and not combined with
//  int-or-string; an array has items; no default at the root or inside metadata; list-type map
//  needs list-map-keys naming scalar item properties that are required or defaulted.

type Node = Record<string, unknown>;
type Level = "root" | "item" | "field";

const FORBIDDEN_ANYWHERE = ["$ref", "$schema", "definitions", "dependencies", "patternProperties", "additionalItems", "id"];
const FORBIDDEN_IN_JUNCTOR = [
  "type",
  "description",
  "title",
  "default",
  "additionalProperties",
  "nullable",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-int-or-string",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-list-type",
  "x-kubernetes-validations",
];
const JUNCTORS = ["allOf", "anyOf", "oneOf"] as const;
const ROOT_ALLOWED = new Set([
  "description", "type", "format", "title", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
  "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "multipleOf", "required",
  "items", "properties", "externalDocs", "example", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-validations",
]);

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function childNodes(value: unknown): Array<[string, Node]> {
  return isNode(value) ? Object.entries(value).filter((entry): entry is [string, Node] => isNode(entry[1])) : [];
}

function isIntOrStringAnyOf(node: Node): boolean {
  const anyOf = node.anyOf;
  return (
    node["x-kubernetes-int-or-string"] === true &&
    Array.isArray(anyOf) &&
    anyOf.length === 2 &&
    JSON.stringify(anyOf) === JSON.stringify([{ type: "integer" }, { type: "string" }])
  );
}

/** Every rule the schema breaks, as "path: problem"; empty when the schema is structural. */
export function structuralViolations(schema: unknown): string[] {
  const problems: string[] = [];
  const report = (path: string, message: string) => problems.push(`${path}: ${message}`);

  function checkAnywhere(node: Node, path: string): void {
    for (const key of FORBIDDEN_ANYWHERE) if (key in node) report(path, `${key} is not allowed in a CRD schema`);
    if (node.type === "null") report(path, "type null is not allowed (use nullable)");
    if (Array.isArray(node.items)) report(path, "items must be a schema, not an array");
    if (node.uniqueItems === true) report(path, "uniqueItems may not be true");
  }

  function checkJunctor(node: Node, outer: Node | undefined, path: string): void {
    checkAnywhere(node, path);
    for (const key of FORBIDDEN_IN_JUNCTOR) if (key in node) report(path, `${key} is not allowed inside allOf/anyOf/oneOf/not`);
    const outerProps = isNode(outer?.properties) ? outer.properties : {};
    for (const [key, child] of childNodes(node.properties)) {
      if (key === "metadata") report(`${path}.properties.metadata`, "metadata may not be named inside a junctor");
      if (!(key in outerProps)) report(`${path}.properties.${key}`, "must also be specified outside allOf/anyOf/oneOf/not");
      const outerChild = outerProps[key];
      checkJunctor(child, isNode(outerChild) ? outerChild : undefined, `${path}.properties.${key}`);
    }
    if (isNode(node.items)) {
      if (!isNode(outer?.items)) report(`${path}.items`, "must also be specified outside allOf/anyOf/oneOf/not");
      checkJunctor(node.items, isNode(outer?.items) ? outer.items : undefined, `${path}.items`);
    }
    checkJunctors(node, outer, path);
  }

  function checkJunctors(node: Node, outer: Node | undefined, path: string, skipAnyOf = false): void {
    for (const junctor of JUNCTORS) {
      if (junctor === "anyOf" && skipAnyOf) continue;
      const branches = node[junctor];
      if (branches === undefined) continue;
      if (!Array.isArray(branches)) {
        report(`${path}.${junctor}`, "must be a list of schemas");
        continue;
      }
      branches.forEach((branch, i) => {
        if (isNode(branch)) checkJunctor(branch, outer, `${path}.${junctor}[${i}]`);
      });
    }
    if (isNode(node.not)) checkJunctor(node.not, outer, `${path}.not`);
  }

  function checkNode(node: Node, path: string, level: Level, inMetadata: boolean): void {
    checkAnywhere(node, path);
    const preserve = node["x-kubernetes-preserve-unknown-fields"];
    const intOrString = node["x-kubernetes-int-or-string"] === true;
    if (preserve !== undefined && preserve !== true) report(path, "x-kubernetes-preserve-unknown-fields must be true or unset");
    if (intOrString && preserve === true) report(path, "x-kubernetes-preserve-unknown-fields must not be set with x-kubernetes-int-or-string");
    if (typeof node.type !== "string" || node.type === "") {
      if (!intOrString && preserve !== true) report(path, `type must not be empty for ${level === "root" ? "the root" : level === "item" ? "array items" : "object fields"}`);
    } else if (intOrString) {
      report(path, "type must be empty when x-kubernetes-int-or-string is true");
    }
    if (node.type === "array" && !isNode(node.items)) report(path, "an array needs items");
    if (node.properties !== undefined && node.additionalProperties !== undefined) {
      report(path, "properties and additionalProperties are mutually exclusive");
    }
    if (inMetadata && node.default !== undefined) report(path, "default is not allowed in metadata");
    if (level === "root") {
      if (node.type !== "object") report(path, "the root type must be object");
      for (const key of Object.keys(node)) if (!ROOT_ALLOWED.has(key)) report(path, `${key} is not allowed at the root`);
      const metadata = isNode(node.properties) ? node.properties.metadata : undefined;
      if (isNode(metadata)) checkMetadata(metadata, `${path}.properties.metadata`);
    }
    checkListType(node, path);
    checkJunctors(node, node, path, isIntOrStringAnyOf(node));
    for (const [key, child] of childNodes(node.properties)) {
      checkNode(child, `${path}.properties.${key}`, "field", inMetadata || (level === "root" && key === "metadata"));
    }
    if (isNode(node.additionalProperties)) checkNode(node.additionalProperties, `${path}.additionalProperties`, "field", inMetadata);
    else if (node.additionalProperties !== undefined) report(path, "additionalProperties must be a schema");
    if (isNode(node.items)) checkNode(node.items, `${path}.items`, "item", inMetadata);
  }

  function checkMetadata(metadata: Node, path: string): void {
    const extra = Object.keys(metadata).filter((key) => key !== "type" && key !== "properties");
    const props = isNode(metadata.properties) ? Object.keys(metadata.properties) : [];
    if (metadata.type !== "object") report(path, "metadata must be of type object");
    if (extra.length > 0 || props.some((p) => p !== "name" && p !== "generateName")) {
      report(path, "metadata may only restrict name and generateName");
    }
  }

  function checkListType(node: Node, path: string): void {
    const listType = node["x-kubernetes-list-type"];
    const keys = node["x-kubernetes-list-map-keys"];
    if (listType === undefined) {
      if (keys !== undefined) report(path, "x-kubernetes-list-map-keys needs x-kubernetes-list-type map");
      return;
    }
    if (node.type !== "array") report(path, "x-kubernetes-list-type needs type array");
    if (listType !== "map") return;
    const items = isNode(node.items) ? node.items : {};
    const props = isNode(items.properties) ? items.properties : {};
    const required = Array.isArray(items.required) ? items.required : [];
    if (!Array.isArray(keys) || keys.length === 0) report(path, "x-kubernetes-list-type map needs x-kubernetes-list-map-keys");
    for (const key of Array.isArray(keys) ? keys : []) {
      const prop = typeof key === "string" ? props[key] : undefined;
      if (!isNode(prop)) report(path, `list map key ${String(key)} is not an item property`);
      else if (prop.type === "object" || prop.type === "array") report(path, `list map key ${key} must be a scalar`);
      else if (!required.includes(key) && prop.default === undefined) report(path, `list map key ${key} must be required or defaulted`);
    }
  }

  if (!isNode(schema)) return ["openAPIV3Schema: must be a schema object"];
  checkNode(schema, "openAPIV3Schema", "root", false);
  return problems;
}
