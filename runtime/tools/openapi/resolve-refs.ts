// Inlines local `$ref`s ("#/components/…") so each tool's input schema stands alone for the model
// and for argument validation. A cycle is cut with an empty schema rather than looping.
import { isRecord } from "../is-record.js";

export function resolveLocalRefs(node: unknown, root: unknown, trail: readonly string[] = []): unknown {
  if (Array.isArray(node)) return node.map((item) => resolveLocalRefs(item, root, trail));
  if (!isRecord(node)) return node;
  const ref = node["$ref"];
  if (typeof ref === "string") {
    if (trail.includes(ref)) return { description: `recursive reference ${ref}` };
    const { $ref: _ref, ...siblings } = node;
    const target = pointer(root, ref);
    const resolved = resolveLocalRefs(target, root, [...trail, ref]);
    return isRecord(resolved) ? { ...resolved, ...siblings } : resolved;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = resolveLocalRefs(value, root, trail);
  return out;
}

function pointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) throw new Error(`$ref "${ref}" points outside the spec; only local references (#/…) are read`);
  let current = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    current = isRecord(current) ? current[key] : Array.isArray(current) ? current[Number(key)] : undefined;
    if (current === undefined) throw new Error(`$ref "${ref}" does not resolve in the spec`);
  }
  return current;
}
