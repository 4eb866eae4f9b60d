// The REST semantics of the API server over the store: create, get, list, update, patch, apply,
// delete (finalizers, propagation policies), the /status subresource, generation and managedFields.
import { randomUUID } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { clone, deepEqual, isKubeObject, isPlainObject, timestamp, type KubeObject } from "./objects.js";
import { jsonPatch, mergePatch } from "./patch.js";
import { apiVersionOf, type ResourceRegistry, type ResourceType } from "./resources.js";
import { recordUpdate, sameContent, scopeFor, serverSideApply } from "./managed-fields.js";
import { parseFieldSelector, parseLabelSelector } from "./selectors.js";
import type { ObjectStore } from "./store.js";
import {
  alreadyExists,
  badRequest,
  conflict,
  internalError,
  invalid,
  notFound,
  staleResourceVersion,
  successStatus,
  unsupportedMediaType,
} from "./status.js";

export interface Reply {
  code: number;
  body: unknown;
}

export type PropagationPolicy = "Background" | "Foreground" | "Orphan";

export const PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The object as served for one version: apiVersion and kind filled in. */
export function present(obj: KubeObject, type: ResourceType): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = clone(obj);
  return { apiVersion: apiVersionOf(type), kind: type.kind, ...rest } as KubeObject;
}

function generatedName(prefix: string): string {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += alphabet[Math.floor(Math.random() * alphabet.length)];
  return prefix + suffix;
}

const withoutMetaAndStatus = (o: KubeObject, dropStatus: boolean) => {
  const { metadata: _m, status, ...rest } = o;
  return dropStatus ? rest : { ...rest, status };
};

const isCrd = (type: ResourceType) => type.group === "apiextensions.k8s.io" && type.plural === "customresourcedefinitions";

export interface WriteContext {
  /** fieldManager, or what the API server derives from the User-Agent. */
  manager: string;
}

export class KubeApi {
  constructor(
    readonly registry: ResourceRegistry,
    readonly store: ObjectStore,
    private readonly afterWrite: () => void,
  ) {}

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.store.get(type.group, type.plural, namespace, name);
    if (!obj) throw notFound(type, name);
    return present(obj, type);
  }

  list(type: ResourceType, namespace: string | undefined, query: URLSearchParams): Reply {
    const labels = parseLabelSelector(query.get("labelSelector"));
    const fields = parseFieldSelector(query.get("fieldSelector"));
    let items = this.store.list(type.group, type.plural, namespace).filter((o) => labels(o) && fields(o));
    const metadata: Record<string, unknown> = { resourceVersion: String(this.store.resourceVersion) };
    const start = query.get("continue");
    if (start) {
      const after = Buffer.from(start, "base64url").toString();
      items = items.filter((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}` > after);
    }
    const limit = Number(query.get("limit") ?? 0);
    if (limit > 0 && items.length > limit) {
      const last = items[limit - 1]!;
      metadata.continue = Buffer.from(`${last.metadata.namespace ?? ""}/${last.metadata.name}`).toString("base64url");
      metadata.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
    }
    // Lists of built-in types carry no apiVersion/kind on their items; lists of custom resources do.
    const shown = items.map((o) => {
      const p = present(o, type);
      if (type.builtin) {
        delete p.apiVersion;
        delete p.kind;
      }
      return p;
    });
    return { code: 200, body: { apiVersion: apiVersionOf(type), kind: `${type.kind}List`, metadata, items: shown } };
  }

  create(type: ResourceType, namespace: string | undefined, body: unknown, ctx: WriteContext): Reply {
    const obj = this.checkBody(type, namespace, body, undefined);
    if (obj.metadata.resourceVersion) throw internalError("resourceVersion should not be set on objects to be created");
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = generatedName(obj.metadata.generateName);
    const name = obj.metadata.name ?? "";
    if (!name) throw invalid(type, "", [{ field: "metadata.name", message: "Required value: name or generateName is required", type: "FieldValueRequired" }]);
    if (!NAME.test(name) || name.length > 253) {
      throw invalid(type, name, [{ field: "metadata.name", message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'` }]);
    }
    return { code: 201, body: present(this.insert(type, obj, ctx.manager), type) };
  }

  /** Stores a new object (no existence check beyond AlreadyExists), setting the server-owned fields. */
  insert(type: ResourceType, obj: KubeObject, manager: string, managedFields?: KubeObject["metadata"]["managedFields"]): KubeObject {
    const name = obj.metadata.name ?? "";
    if (this.store.get(type.group, type.plural, obj.metadata.namespace, name)) throw alreadyExists(type, name);
    const meta = obj.metadata;
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (type.generation) meta.generation = 1;
    else delete meta.generation;
    if (type.statusSubresource) delete obj.status;
    if (isCrd(type)) this.prepareCrd(obj);
    obj.metadata.managedFields = managedFields ?? recordUpdate(undefined, obj, { manager, apiVersion: apiVersionOf(type), scope: scopeFor(type, undefined) });
    if (obj.metadata.managedFields.length === 0) delete obj.metadata.managedFields;
    const stored = this.store.commit("ADDED", type.group, type.plural, present(obj, type));
    this.afterWrite();
    return stored;
  }

  update(type: ResourceType, namespace: string | undefined, name: string, body: unknown, subresource: string | undefined, ctx: WriteContext): Reply {
    const candidate = this.checkBody(type, namespace, body, name);
    const current = this.store.get(type.group, type.plural, namespace, name);
    if (!current) throw notFound(type, name);
    return this.write(type, current, candidate, subresource, { manager: ctx.manager });
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string,
    raw: string,
    subresource: string | undefined,
    query: URLSearchParams,
    ctx: WriteContext,
  ): Reply {
    if (!PATCH_TYPES.includes(contentType) || (contentType.includes("strategic") && !type.builtin)) {
      throw unsupportedMediaType(contentType, PATCH_TYPES.filter((t) => type.builtin || !t.includes("strategic")));
    }
    const current = this.store.get(type.group, type.plural, namespace, name);
    if (contentType === "application/apply-patch+yaml") return this.apply(type, namespace, name, current, raw, subresource, query);
    if (!current) throw notFound(type, name);
    let patch: unknown;
    try {
      patch = JSON.parse(raw);
    } catch (err) {
      throw badRequest(`error decoding patch: ${(err as Error).message}`);
    }
    const base = present(current, type);
    const patched = contentType === "application/json-patch+json" ? jsonPatch(base, patch) : mergePatch(base, patch);
    const candidate = this.checkBody(type, namespace, patched, name);
    return this.write(type, current, candidate, subresource, { manager: ctx.manager });
  }

  private apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    current: KubeObject | undefined,
    raw: string,
    subresource: string | undefined,
    query: URLSearchParams,
  ): Reply {
    const manager = query.get("fieldManager");
    if (!manager) throw badRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
    let parsed: unknown;
    try {
      // Clients send JSON (a subset of YAML); parsing it as JSON first spares the YAML parser's cost.
      parsed = raw.trimStart().startsWith("{") ? parseJsonOrYaml(raw) : parseYaml(raw);
    } catch (err) {
      throw badRequest(`error decoding YAML: ${(err as Error).message}`);
    }
    if (!isKubeObject(parsed) || !parsed.apiVersion || !parsed.kind) throw badRequest("an apply patch must be an object with apiVersion, kind and metadata.name");
    if (parsed.metadata?.managedFields !== undefined) throw badRequest("metadata.managedFields must be nil");
    const applied = this.checkBody(type, namespace, parsed, name);
    const force = query.get("force") === "true";
    const opts = { manager, force, apiVersion: apiVersionOf(type), scope: scopeFor(type, subresource), ...(subresource ? { subresource } : {}) };
    const result = serverSideApply(type, current, applied, opts);
    if (!current) {
      if (subresource) throw notFound(type, name);
      delete result.metadata.resourceVersion;
      return { code: 201, body: present(this.insert(type, result, manager, result.metadata.managedFields), type) };
    }
    return this.write(type, current, result, subresource, { manager, managedFields: result.metadata.managedFields ?? [] });
  }

  /** An update of an existing object through the main resource or /status. */
  write(
    type: ResourceType,
    current: KubeObject,
    candidate: KubeObject,
    subresource: string | undefined,
    opts: { manager: string; managedFields?: KubeObject["metadata"]["managedFields"] },
  ): Reply {
    const name = current.metadata.name ?? "";
    const wanted = candidate.metadata.resourceVersion;
    if (wanted && wanted !== current.metadata.resourceVersion) throw staleResourceVersion(type, name);
    let next: KubeObject;
    if (subresource === "status") {
      next = clone(current);
      if (candidate.status === undefined) delete next.status;
      else next.status = clone(candidate.status);
    } else {
      next = clone(candidate);
      if (type.statusSubresource) {
        if (current.status === undefined) delete next.status;
        else next.status = clone(current.status);
      }
      for (const k of ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "name", "namespace"] as const) {
        if (current.metadata[k] === undefined) delete next.metadata[k];
        else next.metadata[k] = current.metadata[k] as never;
      }
      if (current.metadata.deletionTimestamp) {
        const added = (next.metadata.finalizers ?? []).filter((f) => !(current.metadata.finalizers ?? []).includes(f));
        if (added.length > 0) {
          throw invalid(type, name, [
            { field: "metadata.finalizers", type: "FieldValueForbidden", message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(", ")}}` },
          ]);
        }
      }
    }
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    if (type.generation && !deepEqual(withoutMetaAndStatus(current, type.statusSubresource), withoutMetaAndStatus(next, type.statusSubresource))) {
      next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    next.metadata.managedFields =
      opts.managedFields ?? recordUpdate(current, next, { manager: opts.manager, apiVersion: apiVersionOf(type), scope: scopeFor(type, subresource), ...(subresource ? { subresource } : {}) });
    if (next.metadata.managedFields.length === 0) delete next.metadata.managedFields;
    if (next.metadata.finalizers?.length === 0) delete next.metadata.finalizers;
    if (sameContent(current, next)) return { code: 200, body: present(current, type) };
    return { code: 200, body: present(this.commitUpdate(type, next), type) };
  }

  /** Stores a modified object; an object being deleted whose last finalizer went is removed. */
  commitUpdate(type: ResourceType, next: KubeObject): KubeObject {
    const gone = next.metadata.deletionTimestamp && !next.metadata.finalizers?.length;
    const stored = gone ? this.remove(type, next) : this.store.commit("MODIFIED", type.group, type.plural, present(next, type));
    if (!gone && isCrd(type)) this.registry.addCrd(stored);
    this.afterWrite();
    return stored;
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: { propagationPolicy?: PropagationPolicy; preconditions?: { uid?: string; resourceVersion?: string } },
  ): Reply {
    const current = this.store.get(type.group, type.plural, namespace, name);
    if (!current) throw notFound(type, name);
    const pre = options.preconditions ?? {};
    if (pre.uid && pre.uid !== current.metadata.uid) {
      throw conflict(type, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (pre.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(type, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
    }
    const deleted = this.markDeleted(type, current, options.propagationPolicy ?? "Background");
    if (deleted.metadata.deletionTimestamp && this.store.get(type.group, type.plural, namespace, name)) return { code: 200, body: present(deleted, type) };
    // Pods answer with the deleted object; other resources with a Success Status naming it.
    return { code: 200, body: type.plural === "pods" && !type.group ? present(deleted, type) : successStatus(type, name, current.metadata.uid ?? "") };
  }

  /** Deletes now, or sets deletionTimestamp and leaves the object to its finalizers. */
  markDeleted(type: ResourceType, current: KubeObject, policy: PropagationPolicy): KubeObject {
    const next = clone(current);
    const finalizers = [...(next.metadata.finalizers ?? [])];
    const gcFinalizer = policy === "Foreground" ? "foregroundDeletion" : policy === "Orphan" ? "orphan" : undefined;
    if (gcFinalizer && !finalizers.includes(gcFinalizer)) finalizers.push(gcFinalizer);
    if (finalizers.length === 0) {
      const stored = this.remove(type, next);
      this.afterWrite();
      return stored;
    }
    next.metadata.finalizers = finalizers;
    if (!next.metadata.deletionTimestamp) {
      next.metadata.deletionTimestamp = timestamp();
      next.metadata.deletionGracePeriodSeconds = 0;
      if (next.metadata.generation) next.metadata.generation += 1;
    } else if (deepEqual(finalizers, current.metadata.finalizers)) return current;
    return this.commitUpdate(type, next);
  }

  private remove(type: ResourceType, last: KubeObject): KubeObject {
    const stored = this.store.commit("DELETED", type.group, type.plural, present(last, type));
    if (isCrd(type)) this.dropCrd(last);
    return stored;
  }

  /** Validates a request body against the URL: apiVersion/kind, name and namespace. */
  private checkBody(type: ResourceType, namespace: string | undefined, body: unknown, urlName: string | undefined): KubeObject {
    if (!isKubeObject(body)) throw badRequest("the request body must be a JSON object");
    const obj = clone(body);
    obj.metadata = isPlainObject(obj.metadata) ? obj.metadata : {};
    const group = obj.apiVersion?.includes("/") ? obj.apiVersion.split("/")[0] : "";
    if ((obj.apiVersion && (group !== type.group || !this.registry.byPlural(type.group, obj.apiVersion.split("/").pop()!, type.plural))) || (obj.kind && obj.kind !== type.kind)) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(type)}), or kind ${obj.kind} is not ${type.kind}`);
    }
    if (urlName !== undefined && obj.metadata.name !== undefined && obj.metadata.name !== urlName) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${urlName})`);
    }
    if (urlName !== undefined) obj.metadata.name = urlName;
    if (type.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      obj.metadata.namespace = namespace;
    } else delete obj.metadata.namespace;
    obj.apiVersion = apiVersionOf(type);
    obj.kind = type.kind;
    return obj;
  }

  private prepareCrd(crd: KubeObject): void {
    try {
      this.registry.addCrd(crd);
    } catch (err) {
      throw invalid(this.registry.byKind("apiextensions.k8s.io/v1", "CustomResourceDefinition")!, crd.metadata.name ?? "", [{ field: "spec", message: (err as Error).message }]);
    }
    const now = timestamp();
    const names = (crd.spec as { names?: unknown } | undefined)?.names ?? {};
    // What the apiextensions controllers would report a moment later.
    crd.status = {
      acceptedNames: names,
      storedVersions: ((crd.spec as { versions?: { name: string; storage?: boolean }[] }).versions ?? []).filter((v) => v.storage).map((v) => v.name),
      conditions: [
        { type: "NamesAccepted", status: "True", reason: "NoConflicts", message: "no conflicts found", lastTransitionTime: now },
        { type: "Established", status: "True", reason: "InitialNamesAccepted", message: "the initial names have been accepted", lastTransitionTime: now },
      ],
    };
  }

  private dropCrd(crd: KubeObject): void {
    const spec = crd.spec as { group?: string; names?: { plural?: string } } | undefined;
    if (!spec?.group || !spec.names?.plural) return;
    const types = this.registry.versionsOf(spec.group, spec.names.plural);
    const first = types[0];
    if (first) for (const o of this.store.list(first.group, first.plural)) this.store.commit("DELETED", first.group, first.plural, o);
    this.registry.removeCrd(spec.group, spec.names.plural);
  }
}

function parseJsonOrYaml(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return parseYaml(raw); // flow-style YAML that is not strict JSON
  }
}
