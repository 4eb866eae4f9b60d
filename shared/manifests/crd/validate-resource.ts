// Validates a custom resource against its CRD the way `kubectl apply` against a real API server would,
// with ajv: the openAPIV3Schema's value validations, plus strict field validation (kubectl's default
// --validate=strict), under which a field the schema does not specify is an error rather than
// silently pruned. Kubernetes-only keywords are annotations to ajv; their meaning is handled here.
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import type { ErrorObject } from "ajv";
import type { CustomResourceDefinition } from "./custom-resource-definition.js";
import { INT_OR_STRING, PRESERVE_UNKNOWN_FIELDS } from "./structural-schema.js";

type Node = Record<string, unknown>;

const KUBERNETES_KEYWORDS = [
  PRESERVE_UNKNOWN_FIELDS,
  INT_OR_STRING,
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-validations",
];

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The schema as ajv should see it: objects that neither preserve unknown fields nor are maps get
 * `additionalProperties: false` (strict field validation), OpenAPI's boolean exclusive bounds
 * become draft-07 numbers. Root metadata stays open: the API server validates ObjectMeta itself.
 */
function forAjv(node: unknown, isRootMetadata = false): unknown {
  if (Array.isArray(node)) return node.map((item) => forAjv(item));
  if (!isNode(node)) return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "default" || key === "enum") out[key] = value; // data, not schemas
    else if (key === "properties" && isNode(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, forAjv(child)]));
    } else out[key] = forAjv(value);
  }
  if (typeof node.exclusiveMinimum === "boolean") {
    delete out.exclusiveMinimum;
    if (node.exclusiveMinimum && typeof node.minimum === "number") out.exclusiveMinimum = node.minimum;
  }
  if (typeof node.exclusiveMaximum === "boolean") {
    delete out.exclusiveMaximum;
    if (node.exclusiveMaximum && typeof node.maximum === "number") out.exclusiveMaximum = node.maximum;
  }
  const closed = node.type === "object" && node[PRESERVE_UNKNOWN_FIELDS] !== true && node.additionalProperties === undefined;
  if (closed && !isRootMetadata) out.additionalProperties = false;
  return out;
}

function rootSchemaForAjv(schema: Node): unknown {
  const converted = forAjv({ ...schema, properties: undefined });
  const properties = isNode(schema.properties) ? schema.properties : {};
  return {
    ...(isNode(converted) ? converted : {}),
    properties: Object.fromEntries(
      Object.entries(properties).map(([name, child]) => [name, forAjv(child, name === "metadata")]),
    ),
  };
}

function fieldPath(error: ErrorObject): string {
  const parts = error.instancePath.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let path = "";
  for (const part of parts) path += /^\d+$/.test(part) ? `[${part}]` : path === "" ? part : `.${part}`;
  if (error.keyword === "additionalProperties") {
    const extra = String(error.params.additionalProperty);
    return `${path === "" ? "" : `${path}.`}${extra}`;
  }
  return path;
}

function describe(error: ErrorObject): string {
  const where = fieldPath(error);
  const message = error.keyword === "additionalProperties" ? "unknown field" : (error.message ?? error.keyword);
  return where === "" ? message : `${where}: ${message}`;
}

/** A function listing every reason the API server would refuse an object of this CRD ([] = accepted). */
export function resourceValidator(crd: CustomResourceDefinition): (object: unknown) => string[] {
  const version = crd.spec.versions.find((v) => v.storage) ?? crd.spec.versions[0];
  if (!version) throw new Error(`${crd.metadata.name}: no versions`);
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  ajv.addVocabulary(KUBERNETES_KEYWORDS);
  addFormatsModule.default(ajv, ["date-time", "uri"]);
  const { openAPIV3Schema } = version.schema;
  const validate = ajv.compile(rootSchemaForAjv({ ...openAPIV3Schema }) as object);
  const apiVersion = `${crd.spec.group}/${version.name}`;
  return (object) => {
    const problems: string[] = [];
    if (isNode(object)) {
      if (object.apiVersion !== apiVersion) problems.push(`apiVersion: must be ${apiVersion}`);
      if (object.kind !== crd.spec.names.kind) problems.push(`kind: must be ${crd.spec.names.kind}`);
    }
    if (!validate(object)) problems.push(...(validate.errors ?? []).map(describe));
    return problems;
  };
}
