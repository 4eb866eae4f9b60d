// Builds the apiextensions.k8s.io/v1 CustomResourceDefinition for one kind from its valibot spec and
// status schemas. Pure: the same kind always gives the same object (the generator writes it as YAML).
import type * as v from "valibot";
import { OMNIA_API_GROUP } from "../meta.js";
import type { StructuralSchema, ValueValidation } from "./structural-schema.js";
import { toStructuralSchema } from "./to-structural.js";

export const CRD_VERSION = "v1alpha1";

export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface CrdKind {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  scope: "Namespaced" | "Cluster";
  description: string;
  spec: v.GenericSchema;
  status: v.GenericSchema;
  /** Cross-field rules of the spec that a structural schema can state (allOf/anyOf/not with `required`). */
  specRules?: Pick<ValueValidation, "allOf" | "anyOf" | "not">;
  printerColumns: PrinterColumn[];
}

export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames: string[] };
    scope: "Namespaced" | "Cluster";
    versions: Array<{
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: StructuralSchema };
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
    }>;
  };
}

const AGE_COLUMN: PrinterColumn = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" };

/** The CR's openAPIV3Schema: typed spec and status under the usual apiVersion/kind/metadata. */
export function resourceSchema(kind: CrdKind): StructuralSchema {
  const spec = toStructuralSchema(kind.spec, "spec");
  const status = toStructuralSchema(kind.status, "status");
  return {
    type: "object",
    description: kind.description,
    properties: {
      apiVersion: {
        type: "string",
        description: "the versioned schema of this representation of an object (omnia.altairalabs.ai/v1alpha1)",
      },
      kind: { type: "string", description: `the REST resource this object represents (${kind.kind})` },
      // Only name/generateName may be restricted here; the API server validates ObjectMeta itself.
      metadata: { type: "object" },
      // type and description first, so the YAML reads top-down.
      spec: { type: spec.type, description: spec.description ?? `desired state of the ${kind.kind}`, ...spec, ...kind.specRules },
      status: { type: status.type, description: `observed state of the ${kind.kind}, written by the operator`, ...status },
    },
    required: ["spec"],
  };
}

export function customResourceDefinition(kind: CrdKind): CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${kind.plural}.${OMNIA_API_GROUP}` },
    spec: {
      group: OMNIA_API_GROUP,
      names: {
        kind: kind.kind,
        listKind: `${kind.kind}List`,
        plural: kind.plural,
        singular: kind.singular,
        shortNames: kind.shortNames,
      },
      scope: kind.scope,
      versions: [
        {
          name: CRD_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: resourceSchema(kind) },
          subresources: { status: {} },
          additionalPrinterColumns: [...kind.printerColumns, AGE_COLUMN],
        },
      ],
    },
  };
}
