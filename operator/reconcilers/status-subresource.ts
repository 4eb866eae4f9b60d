// Writing an Omnia object's status: server-side apply on the status subresource as `omnia-operator`,
// and nothing at all when the computed status is what is stored already.
import { type CustomObjectsApi, type KubernetesObject, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { OMNIA_API_GROUP, OMNIA_API_VERSION } from "../../shared/manifests/meta.js";
import type { Condition } from "../agent-runtime/conditions.js";
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
