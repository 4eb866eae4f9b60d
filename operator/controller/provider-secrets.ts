// Watches on exactly the Secrets Providers (and AgentRuntimes' edge Worker uploads) reference, one per Secret (a list and watch with a
// fieldSelector on its name, in its namespace): the operator's informer on Secrets sees only those
// labelled as its own, and caching every Secret in the cluster to find a few would hold everyone's
// credentials in memory. Needs nothing beyond get/list/watch on secrets. A Secret's watch starts when
// a Provider reconcile first asks for it and stops once no Provider references it.
import { CoreV1Api, type KubeConfig, type KubernetesListObject, ListWatch, type V1Secret, Watch } from "@kubernetes/client-node";

type Listener = (namespace: string, name: string) => void;

export class ProviderSecretWatches {
  private readonly watches = new Map<string, { watch: ListWatch<V1Secret>; started: Promise<void>; restart?: NodeJS.Timeout }>();
  private stopped = false;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly onChange: Listener,
    private readonly onError: (err: unknown) => void,
    private readonly restartMs = 1000,
  ) {}

  /** The Secret as last seen, starting its watch first (and waiting for its first list) if need be. */
  async get(namespace: string, name: string): Promise<V1Secret | undefined> {
    const key = `${namespace}/${name}`;
    let entry = this.watches.get(key);
    if (!entry && !this.stopped) entry = this.open(namespace, name);
    if (!entry) throw new Error("stopped");
    await entry.started;
    // Not listed yet (the list failed and is being retried): "not found" would be a guess.
    if (entry.watch.latestResourceVersion() === "") throw new Error(`the watch on Secret ${namespace}/${name} has not listed yet`);
    return entry.watch.get(name, namespace);
  }

  /** Stops the watches of Secrets no longer in `wanted` (`namespace/name`). */
  retain(wanted: ReadonlySet<string>): void {
    for (const [key, entry] of this.watches) {
      if (wanted.has(key)) continue;
      clearTimeout(entry.restart);
      void entry.watch.stop();
      this.watches.delete(key);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retain(new Set());
  }

  private open(namespace: string, name: string) {
    const core = this.kubeConfig.makeApiClient(CoreV1Api);
    const fieldSelector = `metadata.name=${name}`;
    const watch = new ListWatch<V1Secret>(
      `/api/v1/namespaces/${namespace}/secrets`,
      new Watch(this.kubeConfig),
      () => core.listNamespacedSecret({ namespace, fieldSelector }) as Promise<KubernetesListObject<V1Secret>>,
      false,
      undefined,
      fieldSelector,
    );
    const key = `${namespace}/${name}`;
    // The object's own name: what the server sent, so a too-wide watch would show as a stranger here.
    const changed = (secret: V1Secret) => this.onChange(secret.metadata?.namespace ?? namespace, secret.metadata?.name ?? name);
    watch.on("add", changed);
    watch.on("update", changed);
    watch.on("delete", changed);
    const entry: { watch: ListWatch<V1Secret>; started: Promise<void>; restart?: NodeJS.Timeout } = { watch, started: Promise.resolve() };
    watch.on("error", (err: unknown) => {
      if (this.stopped || this.watches.get(key) !== entry) return;
      this.onError(err);
      entry.restart = setTimeout(() => {
        if (this.watches.get(key) === entry) entry.started = watch.start().catch(() => undefined);
      }, this.restartMs);
    });
    entry.started = watch.start().catch(() => undefined);
    this.watches.set(key, entry);
    return entry;
  }
}
