// metav1.Condition as it travels on the wire (times are RFC 3339 strings), and the one rule that
// keeps status stable across reconciles: lastTransitionTime moves only when status changes.

export type ConditionStatus = "True" | "False" | "Unknown";

export interface Condition {
  type: string;
  status: ConditionStatus;
  /** CamelCase, machine-readable. */
  reason: string;
  /** What a user can act on. */
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export type ConditionUpdate = Omit<Condition, "lastTransitionTime" | "observedGeneration">;

/**
 * The new conditions, in the order given. A condition whose status equals the previous one keeps
 * its previous lastTransitionTime (reason and message may still change); others get `now`.
 */
export function mergeConditions(
  previous: readonly Condition[] | undefined,
  updates: readonly ConditionUpdate[],
  now: string,
  observedGeneration: number | undefined,
): Condition[] {
  return updates.map((update) => {
    const before = previous?.find((c) => c.type === update.type);
    const lastTransitionTime = before !== undefined && before.status === update.status ? before.lastTransitionTime : now;
    return { ...update, lastTransitionTime, ...(observedGeneration !== undefined ? { observedGeneration } : {}) };
  });
}
