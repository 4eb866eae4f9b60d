// "Would applying this change anything?" without asking the API server: every field we would send is
// already there with the same value. Fields the server or other managers added are ignored.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when every field of `wanted` is present in `actual` with an equal value (lists: same length, item by item). */
export function containsFields(actual: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) {
    return Array.isArray(actual) && actual.length === wanted.length && wanted.every((item, i) => containsFields(actual[i], item));
  }
  if (isRecord(wanted)) {
    return isRecord(actual) && Object.entries(wanted).every(([k, v]) => v === undefined || containsFields(actual[k], v));
  }
  return actual === wanted;
}

/** Deep equality of JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  return containsFields(a, b) && containsFields(b, a);
}
