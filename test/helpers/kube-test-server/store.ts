// The object store: objects keyed by group/resource/namespace/name (versions of one resource share
// storage, as in etcd), one cluster-wide resourceVersion counter, and a bounded history of changes
// that watches replay from. A watch from a resourceVersion older than the history gets 410.
import { clone, type KubeObject } from "./objects.js";

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

export interface Change {
  rv: number;
  type: ChangeType;
  group: string;
  plural: string;
  /** The object after the change (for DELETED: its last state, with the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before the change (MODIFIED, DELETED). */
  previous?: KubeObject;
}

export interface StoredObject {
  group: string;
  plural: string;
  object: KubeObject;
}

const keyOf = (group: string, plural: string, namespace: string | undefined, name: string) => `${group}|${plural}|${namespace ?? ""}|${name}`;

export class ObjectStore {
  private rv: number;
  private readonly objects = new Map<string, StoredObject>();
  private history: Change[] = [];
  private compacted: number;
  private readonly listeners = new Set<(change: Change) => void>();

  constructor(
    private readonly historyLimit: number,
    firstResourceVersion: number,
  ) {
    this.rv = firstResourceVersion - 1;
    this.compacted = this.rv;
  }

  /** The latest resourceVersion handed out (what a list reports). */
  get resourceVersion(): number {
    return this.rv;
  }

  /** Changes up to and including this resourceVersion are no longer kept. */
  get compactedThrough(): number {
    return this.compacted;
  }

  get(group: string, plural: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(keyOf(group, plural, namespace, name))?.object;
  }

  /** Objects of one resource, in one namespace or all, ordered by namespace then name. */
  list(group: string, plural: string, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const stored of this.objects.values()) {
      if (stored.group !== group || stored.plural !== plural) continue;
      if (namespace !== undefined && (stored.object.metadata.namespace ?? "") !== namespace) continue;
      out.push(stored.object);
    }
    return out.sort((a, b) => `${a.metadata.namespace ?? ""}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ""}/${b.metadata.name}`));
  }

  all(): StoredObject[] {
    return [...this.objects.values()];
  }

  /** Stores a change under a new resourceVersion, records it and tells the watchers. */
  commit(type: ChangeType, group: string, plural: string, object: KubeObject): KubeObject {
    const { namespace, name } = object.metadata;
    const key = keyOf(group, plural, namespace, name ?? "");
    const previous = this.objects.get(key)?.object;
    const stored = clone(object);
    stored.metadata.resourceVersion = String(++this.rv);
    if (type === "DELETED") this.objects.delete(key);
    else this.objects.set(key, { group, plural, object: stored });
    const change: Change = { rv: this.rv, type, group, plural, object: stored };
    if (previous) change.previous = previous;
    this.history.push(change);
    if (this.history.length > this.historyLimit) this.compact(this.history[this.history.length - this.historyLimit - 1]!.rv);
    for (const listener of this.listeners) listener(change);
    return stored;
  }

  /** Drops the history through `throughRv` (default: all of it), as etcd compaction does. */
  compact(throughRv = this.rv): void {
    this.history = this.history.filter((c) => c.rv > throughRv);
    this.compacted = Math.max(this.compacted, Math.min(throughRv, this.rv));
  }

  /** The kept changes after `rv`, or undefined when some of them are no longer kept. */
  changesSince(rv: number): Change[] | undefined {
    if (rv < this.compacted) return undefined;
    return this.history.filter((c) => c.rv > rv);
  }

  subscribe(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
