// What kube-controller-manager's garbage collector does, run in-process after writes: dependents
// whose owners (by uid) are all gone are deleted in the background; an owner deleted with
// propagationPolicy=Foreground waits (finalizer `foregroundDeletion`) until its dependents that set
// blockOwnerDeletion are gone; one deleted with Orphan (finalizer `orphan`) has its ownerReferences
// removed from its dependents first.
import type { KubeApi } from "./api.js";
import { clone, type KubeObject } from "./objects.js";
import type { ResourceType } from "./resources.js";

interface Entry {
  type: ResourceType;
  object: KubeObject;
}

function snapshot(api: KubeApi): Entry[] {
  const out: Entry[] = [];
  for (const stored of api.store.all()) {
    const type = api.registry.versionsOf(stored.group, stored.plural)[0];
    if (type) out.push({ type, object: stored.object });
  }
  return out;
}

const without = (list: string[] | undefined, item: string) => (list ?? []).filter((x) => x !== item);

/** One pass; returns whether it changed anything (the caller repeats until it does not). */
function collectOnce(api: KubeApi): boolean {
  const entries = snapshot(api);
  const byUid = new Map(entries.map((e) => [e.object.metadata.uid, e]));
  const dependentsOf = (uid: string | undefined) => entries.filter((e) => e.object.metadata.ownerReferences?.some((r) => r.uid === uid));

  for (const owner of entries) {
    const meta = owner.object.metadata;
    if (!meta.deletionTimestamp) continue;
    if (meta.finalizers?.includes("orphan")) {
      for (const dep of dependentsOf(meta.uid)) {
        const next = clone(dep.object);
        next.metadata.ownerReferences = next.metadata.ownerReferences!.filter((r) => r.uid !== meta.uid);
        if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
        api.commitUpdate(dep.type, next);
      }
      const next = clone(owner.object);
      next.metadata.finalizers = without(meta.finalizers, "orphan");
      api.commitUpdate(owner.type, next);
      return true;
    }
    if (meta.finalizers?.includes("foregroundDeletion")) {
      const deps = dependentsOf(meta.uid);
      const pending = deps.filter((d) => !d.object.metadata.deletionTimestamp);
      for (const dep of pending) api.markDeleted(dep.type, dep.object, "Foreground");
      if (pending.length > 0) return true;
      const blocking = deps.filter((d) => d.object.metadata.ownerReferences?.some((r) => r.uid === meta.uid && r.blockOwnerDeletion));
      if (blocking.length === 0) {
        const next = clone(owner.object);
        next.metadata.finalizers = without(meta.finalizers, "foregroundDeletion");
        api.commitUpdate(owner.type, next);
        return true;
      }
    }
  }

  for (const dep of entries) {
    const refs = dep.object.metadata.ownerReferences;
    if (!refs?.length || dep.object.metadata.deletionTimestamp) continue;
    const alive = refs.filter((r) => byUid.has(r.uid));
    if (alive.length === refs.length) continue;
    if (alive.length === 0) api.markDeleted(dep.type, dep.object, "Background");
    else {
      const next = clone(dep.object);
      next.metadata.ownerReferences = alive;
      api.commitUpdate(dep.type, next);
    }
    return true;
  }
  return false;
}

export function collectGarbage(api: KubeApi): void {
  for (let i = 0; i < 10_000 && collectOnce(api); i++);
}
