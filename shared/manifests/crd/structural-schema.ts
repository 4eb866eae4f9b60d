// The subset of apiextensions.k8s.io/v1 JSONSchemaProps our CRDs use: a structural OpenAPI v3 schema
// (see structural-rules.ts for what makes one structural).

export type SchemaType = "object" | "array" | "string" | "integer" | "number" | "boolean";

export const PRESERVE_UNKNOWN_FIELDS = "x-kubernetes-preserve-unknown-fields";
export const INT_OR_STRING = "x-kubernetes-int-or-string";

/** Value validation under allOf/anyOf/oneOf/not: no type, description, default or extensions. */
export interface ValueValidation {
  required?: string[];
  properties?: Record<string, ValueValidation>;
  items?: ValueValidation;
  enum?: unknown[];
  allOf?: ValueValidation[];
  anyOf?: ValueValidation[];
  oneOf?: ValueValidation[];
  not?: ValueValidation;
  /** Only in the int-or-string pattern `anyOf: [{type: integer}, {type: string}]`. */
  type?: SchemaType;
}

export interface StructuralSchema {
  type?: SchemaType;
  description?: string;
  title?: string;
  properties?: Record<string, StructuralSchema>;
  required?: string[];
  additionalProperties?: StructuralSchema;
  items?: StructuralSchema;
  enum?: unknown[];
  default?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  allOf?: ValueValidation[];
  anyOf?: ValueValidation[];
  oneOf?: ValueValidation[];
  not?: ValueValidation;
  [PRESERVE_UNKNOWN_FIELDS]?: true;
  [INT_OR_STRING]?: true;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: "atomic" | "granular";
}
