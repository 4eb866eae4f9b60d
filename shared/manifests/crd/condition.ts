// The status pieces every Omnia kind shares: metav1.Condition and the phase/conditions/
// observedGeneration trio the operator writes. Constraints follow apimachinery's Condition type.
import * as v from "valibot";

// metav1.Condition's own validation patterns (k8s.io/apimachinery/pkg/apis/meta/v1/types.go).
// A string, not a literal, so the pattern written into the CRD has no JS-only `\/` escape.
const CONDITION_TYPE = new RegExp(
  "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
);
const CONDITION_REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

const GenerationSchema = v.pipe(v.number(), v.integer(), v.minValue(0));

export const ConditionSchema = v.object({
  type: v.pipe(v.string(), v.maxLength(316), v.regex(CONDITION_TYPE), v.description("condition type in CamelCase, e.g. Ready")),
  status: v.pipe(v.picklist(["True", "False", "Unknown"]), v.description("status of the condition")),
  observedGeneration: v.optional(
    v.pipe(GenerationSchema, v.description("the .metadata.generation the condition was set from")),
  ),
  lastTransitionTime: v.pipe(
    v.string(),
    v.isoTimestamp(),
    v.description("when the condition last changed from one status to another"),
  ),
  reason: v.pipe(
    v.string(),
    v.minLength(1),
    v.maxLength(1024),
    v.regex(CONDITION_REASON),
    v.description("programmatic identifier for the last transition, in CamelCase"),
  ),
  message: v.pipe(v.string(), v.maxLength(32768), v.description("human-readable details of the last transition")),
});
export type Condition = v.InferOutput<typeof ConditionSchema>;

/** Conditions keyed by type, as server-side apply and kubectl expect (one entry per type). */
export const ConditionListSchema = v.pipe(
  v.array(ConditionSchema),
  v.metadata({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"] }),
  v.description("the latest observations of the object's state"),
);

/** A status object: the given phases, conditions and observedGeneration, plus the kind's own fields. */
export function statusSchema<const TPhases extends readonly [string, ...string[]], const TEntries extends v.ObjectEntries>(
  phases: TPhases,
  entries: TEntries,
) {
  return v.object({
    phase: v.optional(v.pipe(v.picklist(phases), v.description("summary of the object's lifecycle"))),
    conditions: v.optional(ConditionListSchema),
    observedGeneration: v.optional(
      v.pipe(GenerationSchema, v.description("the .metadata.generation this status was computed from")),
    ),
    ...entries,
  });
}

export const TimestampSchema = v.pipe(v.string(), v.isoTimestamp());
export const CountSchema = v.pipe(v.number(), v.integer(), v.minValue(0));
