// Writing an Omnia object's status: server-side apply on the status subresource as `omnia-operator`,
// and nothing at all when the computed status is what is stored already.
import { type CustomObjectsApi, type KubernetesObject, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { OMNIA_API_GROUP, OMNIA_API_VERSION } from "../../shared/manifests/meta.js";
import { type Condition, mergeConditions } from "../agent-runtime/conditions.js";
import type { ManifestError } from "../../shared/manifests/manifest-error.js";
import { sameJson } from "./compare.js";

export const STATUS_FIELD_MANAGER = "omnia-operator";

/** Applies `status` to `raw` (kind and plural given), unless it equals the stored one. Returns whether it wrote. */
export async function applyStatusIfChanged(custom: CustomObjectsApi, raw: KubernetesObject, kind: string, plural: string, status: object): Promise<boolean> {
  const current = (raw as { status?: unknown }).status;
  const next = JSON.parse(JSON.stringify(status)) as unknown;
  if (current !== undefined && sameJson(current, next)) return false;
  const namespace = raw.metadata!.namespace!;
  const name = raw.metadata!.name!;
  await custom.patchNamespacedCustomObjectStatus(
    {
      group: OMNIA_API_GROUP,
      version: OMNIA_API_VERSION.split("/")[1]!,
      namespace,
      plural,
      name,
      body: { apiVersion: OMNIA_API_VERSION, kind, metadata: { name, namespace }, status: next },
      fieldManager: STATUS_FIELD_MANAGER,
      force: true,
    },
    setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
  );
  return true;
}

const isCondition = (value: unknown): value is Condition =>
  typeof value === "object" &&
  value !== null &&
  ["type", "status", "reason", "message", "lastTransitionTime"].every((k) => typeof (value as Record<string, unknown>)[k] === "string");

/** The stored status as a record (empty when absent or malformed). */
export function storedStatus(raw: KubernetesObject): Record<string, unknown> {
  const status = (raw as { status?: unknown }).status;
  return typeof status === "object" && status !== null && !Array.isArray(status) ? (status as Record<string, unknown>) : {};
}

/** The stored conditions; anything malformed is dropped (and rewritten). */
export function storedConditions(raw: KubernetesObject): Condition[] | undefined {
  const conditions = storedStatus(raw).conditions;
  return Array.isArray(conditions) ? conditions.filter(isCondition) : undefined;
}

/** Why a stored object is not the kind it should be, or what its schema rejected, in one line. */
export function invalidSpecMessage(parsed: { ok: true } | { ok: false; errors: readonly ManifestError[] }, kind: string): string {
  return parsed.ok ? `not a ${kind}` : parsed.errors.map((e) => `${e.field}: ${e.message}`).join("; ");
}

/**
 * The status of an object its schema rejects: `conditionType` False with reason InvalidSpec and the
 * schema's words, `phase`, the generation observed, and the rest of the stored status (what last
 * worked) kept. Never a crash loop: the user reads what to fix.
 */
export function invalidSpecStatus(raw: KubernetesObject, options: { kind: string; conditionType: string; phase: string; message: string; now: string }): Record<string, unknown> {
  const generation = typeof raw.metadata?.generation === "number" ? raw.metadata.generation : undefined;
  const conditions = mergeConditions(
    storedConditions(raw),
    [{ type: options.conditionType, status: "False", reason: "InvalidSpec", message: `fix the ${options.kind}: ${options.message}` }],
    options.now,
    generation,
  );
  return { ...storedStatus(raw), phase: options.phase, conditions, ...(generation !== undefined ? { observedGeneration: generation } : {}) };
}
