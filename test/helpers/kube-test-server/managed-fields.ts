// Field ownership for server-side apply, a subset of structured-merge-diff: ownership is tracked
// per leaf field, lists are atomic (a list is one field; no merge keys such as containers[name]),
// maps are merged key by key. Every write records which manager set which fields in
// metadata.managedFields (FieldsV1 encoding, `f:` keys only).
import { applyConflict } from "./status.js";
import { clone, deepEqual, isPlainObject, timestamp, type JsonObject, type KubeObject, type ManagedFieldsEntry } from "./objects.js";
import type { ResourceType } from "./resources.js";

type Path = string[];

const SERVER_SET_METADATA = new Set([
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
  "generateName",
]);

/** Which part of an object a write may touch: all of it, everything but status, or only status. */
export type Scope = "all" | "main" | "status";

export const scopeFor = (type: ResourceType, subresource: string | undefined): Scope => (subresource === "status" ? "status" : type.statusSubresource ? "main" : "all");

function inScope(path: Path, scope: Scope): boolean {
  if (path[0] === "apiVersion" || path[0] === "kind") return false;
  if (path[0] === "metadata" && path.length > 1 && SERVER_SET_METADATA.has(path[1]!)) return false;
  if (scope === "status") return path[0] === "status";
  if (scope === "main") return path[0] !== "status";
  return true;
}

function leafPaths(value: unknown, scope: Scope, prefix: Path = []): Path[] {
  if (isPlainObject(value) && (Object.keys(value).length > 0 || prefix.length === 0)) {
    return Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : leafPaths(v, scope, [...prefix, k])));
  }
  return inScope(prefix, scope) ? [prefix] : [];
}

function getAt(value: unknown, path: Path): unknown {
  let node = value;
  for (const key of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Removes the field, and the maps that removal leaves empty (as the API server drops a map no manager sets any more), below the top-level fields. */
function deleteAt(value: unknown, path: Path): void {
  for (let end = path.length; end > 1; end--) {
    const parent = getAt(value, path.slice(0, end - 1));
    if (!isPlainObject(parent)) return;
    const key = path[end - 1]!;
    const child = parent[key];
    if (end < path.length && !(isPlainObject(child) && Object.keys(child).length === 0)) return;
    delete parent[key];
    if (end - 1 <= 1) return;
  }
}

const fieldName = (path: Path) => `.${path.join(".")}`;
const keyOf = (path: Path) => JSON.stringify(path);
const pathOf = (key: string) => JSON.parse(key) as Path;

function encode(keys: Iterable<string>): JsonObject {
  const root: JsonObject = {};
  for (const key of keys) {
    let node = root;
    for (const part of pathOf(key)) {
      const next = (node[`f:${part}`] ??= {}) as JsonObject;
      node = next;
    }
  }
  return root;
}

function decode(fields: unknown, prefix: Path = []): string[] {
  if (!isPlainObject(fields)) return [];
  const children = Object.keys(fields).filter((k) => k.startsWith("f:"));
  // A node without `f:` children is a leaf; `k:`/`v:` (list items) make the whole list one field here.
  if (children.length === 0) return prefix.length ? [keyOf(prefix)] : [];
  return children.flatMap((k) => decode(fields[k], [...prefix, k.slice(2)]));
}

interface Owner {
  entry: ManagedFieldsEntry;
  fields: Set<string>;
}

function owners(obj: KubeObject | undefined): Owner[] {
  return (obj?.metadata.managedFields ?? []).map((entry) => ({ entry: clone(entry), fields: new Set(decode(entry.fieldsV1)) }));
}

const sameEntry = (e: ManagedFieldsEntry, manager: string, operation: string, subresource: string | undefined) =>
  e.manager === manager && e.operation === operation && (e.subresource ?? undefined) === subresource;

function finish(list: Owner[], result: KubeObject, touched: Owner | undefined): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const owner of list) {
    for (const key of owner.fields) if (getAt(result, pathOf(key)) === undefined) owner.fields.delete(key);
    if (owner.fields.size === 0) continue;
    const entry = owner.entry;
    entry.fieldsV1 = encode([...owner.fields].sort());
    if (owner === touched) entry.time = timestamp();
    out.push(entry);
  }
  return out;
}

function ownerFor(list: Owner[], manager: string, operation: "Apply" | "Update", apiVersion: string, subresource: string | undefined): Owner {
  let owner = list.find((o) => sameEntry(o.entry, manager, operation, subresource));
  if (!owner) {
    const entry: ManagedFieldsEntry = { manager, operation, apiVersion, time: timestamp(), fieldsType: "FieldsV1", fieldsV1: {} };
    if (subresource) entry.subresource = subresource;
    owner = { entry, fields: new Set() };
    list.push(owner);
  }
  owner.entry.apiVersion = apiVersion;
  return owner;
}

/**
 * managedFields after a non-apply write (create, update, merge/JSON patch): the writer takes
 * ownership of every field it changed, and the other managers lose those fields.
 */
export function recordUpdate(
  before: KubeObject | undefined,
  after: KubeObject,
  opts: { manager: string; apiVersion: string; subresource?: string; scope: Scope },
): ManagedFieldsEntry[] {
  const list = owners(before);
  const changed = leafPaths(after, opts.scope)
    .filter((p) => !deepEqual(getAt(before, p), getAt(after, p)))
    .map(keyOf);
  if (changed.length === 0) return finish(list, after, undefined);
  for (const owner of list) for (const key of changed) owner.fields.delete(key);
  const mine = ownerFor(list, opts.manager, "Update", opts.apiVersion, opts.subresource);
  for (const key of changed) mine.fields.add(key);
  return finish(list, after, mine);
}

function mergeMaps(base: unknown, applied: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(applied)) return clone(applied);
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(applied)) out[k] = mergeMaps(base[k], v);
  return out;
}

function restrict(applied: KubeObject, scope: Scope): KubeObject {
  const out = clone(applied);
  if (scope === "main") delete out.status;
  if (scope === "status") {
    for (const k of Object.keys(out)) if (!["apiVersion", "kind", "metadata", "status"].includes(k)) delete out[k];
    out.metadata = { name: applied.metadata.name, namespace: applied.metadata.namespace };
  }
  return out;
}

/**
 * Server-side apply of `applied` onto `current` (undefined: the object is created). Throws the
 * 409 Conflict Status when another manager owns a field the applier sets to a different value,
 * unless `force` (then ownership moves). Fields the applier set before and no longer sets are
 * removed, unless another manager also owns them.
 */
export function serverSideApply(
  type: ResourceType,
  current: KubeObject | undefined,
  applied: KubeObject,
  opts: { manager: string; force: boolean; apiVersion: string; subresource?: string; scope: Scope },
): KubeObject {
  const list = owners(current);
  const scoped = restrict(applied, opts.scope);
  const appliedKeys = leafPaths(scoped, opts.scope).map(keyOf);
  const conflicts: { manager: string; apiVersion: string; field: string; owner: Owner; key: string }[] = [];
  for (const owner of list) {
    if (owner.entry.manager === opts.manager) continue;
    for (const key of appliedKeys) {
      if (owner.fields.has(key) && !deepEqual(getAt(current, pathOf(key)), getAt(scoped, pathOf(key)))) {
        conflicts.push({ manager: owner.entry.manager, apiVersion: owner.entry.apiVersion, field: fieldName(pathOf(key)), owner, key });
      }
    }
  }
  if (conflicts.length > 0 && !opts.force) throw applyConflict(type, applied.metadata.name ?? "", conflicts);
  for (const c of conflicts) c.owner.fields.delete(c.key);

  const mine = ownerFor(list, opts.manager, "Apply", opts.apiVersion, opts.subresource);
  let result = clone(current ?? { metadata: {} });
  for (const key of mine.fields) {
    if (appliedKeys.includes(key)) continue;
    if (list.some((o) => o !== mine && o.fields.has(key))) continue;
    deleteAt(result, pathOf(key));
  }
  result = mergeMaps(result, scoped) as KubeObject;
  mine.fields = new Set(appliedKeys);
  result.metadata.managedFields = finish(list, result, mine);
  return result;
}

/** Two objects equal but for resourceVersion and the times in managedFields: a no-op write. */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const c = clone(o);
    delete c.metadata.resourceVersion;
    c.metadata.managedFields = (c.metadata.managedFields ?? []).map((e) => ({ ...e, time: "" }));
    return c;
  };
  return deepEqual(strip(a), strip(b));
}
