// Which cached objects each AgentRuntime (by uid) controls, kept current from the informers' events,
// so pruning one agent's leftovers looks at its own few objects instead of every owned object in
// the namespace (which made a cold start of thousands of agents quadratic).
import type { KubernetesObject } from "@kubernetes/client-node";
import type { WatchedKind } from "../reconcilers/cluster-reader.js";

export interface OwnedRef {
  kind: WatchedKind;
  namespace: string;
  name: string;
}

const refKeyOf = (ref: OwnedRef) => `${ref.kind}/${ref.namespace}/${ref.name}`;

export class OwnerIndex {
  private readonly byOwner = new Map<string, Map<string, OwnedRef>>();
  private readonly ownerOf = new Map<string, string>();

  /** Records the object's controlling AgentRuntime (or forgets it, if it has none any more). */
  update(kind: WatchedKind, object: KubernetesObject): void {
    const ref: OwnedRef = { kind, namespace: object.metadata?.namespace ?? "", name: object.metadata?.name ?? "" };
    const key = refKeyOf(ref);
    const owner = object.metadata?.ownerReferences?.find((o) => o.controller === true && o.kind === "AgentRuntime")?.uid;
    const previous = this.ownerOf.get(key);
    if (previous === owner) return;
    if (previous !== undefined) this.forget(previous, key);
    if (owner === undefined) return;
    this.ownerOf.set(key, owner);
    let owned = this.byOwner.get(owner);
    if (!owned) this.byOwner.set(owner, (owned = new Map()));
    owned.set(key, ref);
  }

  remove(kind: WatchedKind, object: KubernetesObject): void {
    const key = refKeyOf({ kind, namespace: object.metadata?.namespace ?? "", name: object.metadata?.name ?? "" });
    const owner = this.ownerOf.get(key);
    if (owner !== undefined) this.forget(owner, key);
  }

  owned(ownerUid: string): readonly OwnedRef[] {
    return [...(this.byOwner.get(ownerUid)?.values() ?? [])];
  }

  private forget(owner: string, key: string): void {
    this.ownerOf.delete(key);
    const owned = this.byOwner.get(owner);
    owned?.delete(key);
    if (owned?.size === 0) this.byOwner.delete(owner);
  }
}
