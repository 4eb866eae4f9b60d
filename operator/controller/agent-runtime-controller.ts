// The AgentRuntime controller: informers feed a work queue keyed "namespace/name"; events on owned
// objects requeue their owner, events on referenced objects requeue their users (ReferenceIndex).
// The same queue carries PromptPacks ("PromptPack/namespace/name", requeued by their ConfigMap) and
// Providers ("Provider/namespace/name", requeued by their credential Secret, watched one by one in
// ProviderSecretWatches) and ToolRegistries ("ToolRegistry/namespace/name", their tools discovered)
// for their own status, so every reconciler runs under the one Lease. The Secrets an edge Worker
// upload reads (Cloudflare credentials, client keys) are watched the same way and requeue their agents.
// Informers run in every replica (a standby has a warm cache); only the Lease holder reconciles.
import { CoordinationV1Api, CustomObjectsApi, type KubeConfig, type KubernetesObject, KubernetesObjectApi } from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { OperatorSettings } from "../agent-runtime/settings.js";
import { AgentRuntimeReconciler } from "../reconcilers/agent-runtime.js";
import { packConfigMapName, PromptPackReconciler } from "../reconcilers/prompt-pack.js";
import { ProviderReconciler, referencedSecretName } from "../reconcilers/provider.js";
import { ToolRegistryReconciler } from "../reconcilers/tool-registry.js";
import { OWNED_KINDS, type WatchedKind } from "../reconcilers/cluster-reader.js";
import { cacheReader, type KindInformer, makeInformers } from "./informers.js";
import { LeaderElector } from "./leader-election.js";
import { OwnerIndex } from "./owner-index.js";
import { ProviderSecretWatches } from "./provider-secrets.js";
import { ReferenceIndex, refKey } from "./reference-index.js";
import { WorkQueue, type WorkQueueOptions } from "./work-queue.js";

export interface ControllerOptions {
  kubeConfig: KubeConfig;
  log: Logger;
  /** The Lease this controller campaigns for. */
  lease: { namespace: string; name: string; identity: string; leaseDurationSeconds?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
  queue?: Omit<WorkQueueOptions, "onError">;
  /** While leading, every AgentRuntime is requeued this often (drift nobody told us about). Default 10 min. */
  resyncMs?: number;
  /** Pause before restarting an informer whose list or watch failed. Default 1 s. */
  informerRestartMs?: number;
  newToken?: () => string;
  settings?: OperatorSettings;
}

const keyOf = (o: KubernetesObject) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
/** Queue key of a PromptPack (agents' keys have no kind prefix). */
export const promptPackKey = (namespace: string, name: string) => `PromptPack/${namespace}/${name}`;
/** Queue key of a Provider. */
export const providerKey = (namespace: string, name: string) => `Provider/${namespace}/${name}`;
/** Queue key of a ToolRegistry. */
export const toolRegistryKey = (namespace: string, name: string) => `ToolRegistry/${namespace}/${name}`;

export class AgentRuntimeController {
  readonly index = new ReferenceIndex();
  private readonly owners = new OwnerIndex();
  readonly queue: WorkQueue;
  /** Reconciles run by this controller (all replicas share the cluster, so tests tell them apart by this). */
  reconciles = 0;
  private readonly informers: Map<WatchedKind, KindInformer>;
  private readonly elector: LeaderElector;
  private readonly reconciler: AgentRuntimeReconciler;
  private readonly promptPacks: PromptPackReconciler;
  private readonly providers: ProviderReconciler;
  private readonly toolRegistries: ToolRegistryReconciler;
  private readonly providerSecrets: ProviderSecretWatches;
  private stopping = false;
  private readonly restarts = new Set<NodeJS.Timeout>();
  private resync: NodeJS.Timeout | undefined;

  constructor(private readonly options: ControllerOptions) {
    const kc = options.kubeConfig;
    const log = options.log;
    this.informers = makeInformers(kc);
    // One reader for every reconciler: its memo of typed objects is shared.
    const reader = cacheReader(this.informers, this.owners);
    this.reconciler = new AgentRuntimeReconciler({
      reader,
      objects: KubernetesObjectApi.makeApiClient(kc),
      custom: kc.makeApiClient(CustomObjectsApi),
      index: this.index,
      log,
      newToken: options.newToken ?? (() => randomBytes(32).toString("base64url")),
      secret: (namespace, name) => this.providerSecrets.get(namespace, name),
      requeueAfter: (key, ms) => this.queue.addAfter(key, ms),
      ...(options.settings ? { settings: options.settings } : {}),
    });
    this.promptPacks = new PromptPackReconciler({ reader, custom: kc.makeApiClient(CustomObjectsApi), log });
    this.providerSecrets = new ProviderSecretWatches(
      kc,
      (namespace, name) => this.requeueSecretUsers(namespace, name),
      (err) => log.warn({ kind: "Secret", err: err instanceof Error ? err.message : String(err) }, "watch failed; restarting"),
      options.informerRestartMs,
    );
    this.providers = new ProviderReconciler({
      reader,
      secret: (namespace, name) => this.providerSecrets.get(namespace, name),
      custom: kc.makeApiClient(CustomObjectsApi),
      log,
    });
    this.toolRegistries = new ToolRegistryReconciler({
      reader,
      custom: kc.makeApiClient(CustomObjectsApi),
      log,
      requeueAfter: (key, ms) => this.queue.addAfter(toolRegistryKey(...(key.split("/") as [string, string])), ms),
    });
    this.queue = new WorkQueue((key) => {
      this.reconciles++;
      if (key.startsWith("ToolRegistry/")) return this.toolRegistries.reconcile(key.slice("ToolRegistry/".length));
      if (key.startsWith("PromptPack/")) return this.promptPacks.reconcile(key.slice("PromptPack/".length));
      if (key.startsWith("Provider/")) return this.providers.reconcile(key.slice("Provider/".length));
      return this.reconciler.reconcile(key);
    }, {
      ...options.queue,
      onError: (key, err, retryInMs) => log.warn({ key, err: err instanceof Error ? err.message : String(err), retryInMs }, "reconcile failed; retrying"),
    });
    this.elector = new LeaderElector(kc.makeApiClient(CoordinationV1Api), {
      ...options.lease,
      onStartedLeading: () => {
        log.info({ identity: options.lease.identity }, "leading: reconciling");
        this.requeueAll();
        this.queue.start();
        this.resync = setInterval(() => this.requeueAll(), options.resyncMs ?? 600_000);
      },
      onStoppedLeading: async () => {
        log.info({ identity: options.lease.identity }, "no longer leading: reconciling stops");
        clearInterval(this.resync);
        await this.queue.stop();
      },
      onError: (err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, "leader election"),
    });
  }

  get isLeader(): boolean {
    return this.elector.isLeader;
  }

  /** Starts the informers (resolves once their caches are filled), then campaigns for the Lease. */
  async start(): Promise<void> {
    for (const [kind, informer] of this.informers) this.wire(kind, informer);
    await Promise.all([...this.informers.values()].map((i) => i.start()));
    this.elector.start();
  }

  /** Stops reconciling (the current pass finishes), releases the Lease, stops the informers. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.restarts) clearTimeout(t);
    await this.elector.stop();
    await this.queue.shutDown();
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
    await this.providerSecrets.stop();
  }

  private requeueAll(): void {
    for (const agent of this.informers.get("AgentRuntime")!.list()) this.queue.add(keyOf(agent));
    for (const pack of this.informers.get("PromptPack")!.list()) this.queue.add(`PromptPack/${keyOf(pack)}`);
    for (const provider of this.informers.get("Provider")!.list()) this.queue.add(`Provider/${keyOf(provider)}`);
    for (const registry of this.informers.get("ToolRegistry")!.list()) this.queue.add(`ToolRegistry/${keyOf(registry)}`);
  }

  private wire(kind: WatchedKind, informer: KindInformer): void {
    const owned = (OWNED_KINDS as readonly string[]).includes(kind);
    const onChange = (object: KubernetesObject) => {
      if (owned) this.owners.update(kind, object);
      this.requeueFor(kind, object);
    };
    informer.on("add", onChange);
    informer.on("update", onChange);
    informer.on("delete", (object: KubernetesObject) => {
      if (owned) this.owners.remove(kind, object);
      this.requeueFor(kind, object);
    });
    informer.on("error", (err: unknown) => {
      if (this.stopping) return;
      this.options.log.warn({ kind, err: err instanceof Error ? err.message : String(err) }, "watch failed; restarting");
      const timer = setTimeout(() => {
        this.restarts.delete(timer);
        if (!this.stopping) informer.start().catch(() => undefined);
      }, this.options.informerRestartMs ?? 1000);
      this.restarts.add(timer);
    });
  }

  /** A watched Secret changed: its Providers and the agents using them, and agents whose edge Worker reads it. */
  private requeueSecretUsers(namespace: string, secret: string): void {
    for (const user of this.index.usersOf(refKey("Secret", namespace, secret))) this.queue.add(user);
    for (const provider of this.informers.get("Provider")!.list(namespace)) {
      if (referencedSecretName(provider) !== secret) continue;
      const name = provider.metadata?.name ?? "";
      this.queue.add(providerKey(namespace, name));
      for (const user of this.index.usersOf(refKey("Provider", namespace, name))) this.queue.add(user);
    }
  }

  /** Stops watching Secrets no Provider (nor any agent's edge Worker upload) references any more. */
  private retainProviderSecrets(): void {
    const wanted = new Set<string>(this.index.referenced("Secret"));
    for (const provider of this.informers.get("Provider")!.list()) {
      const secret = referencedSecretName(provider);
      if (secret !== undefined) wanted.add(`${provider.metadata?.namespace ?? ""}/${secret}`);
    }
    this.providerSecrets.retain(wanted);
  }

  private requeueFor(kind: WatchedKind, object: KubernetesObject): void {
    if (kind === "AgentRuntime") return this.queue.add(keyOf(object));
    const ns = object.metadata?.namespace ?? "";
    const name = object.metadata?.name ?? "";
    if (kind === "PromptPack") this.queue.add(promptPackKey(ns, name));
    if (kind === "ToolRegistry") this.queue.add(toolRegistryKey(ns, name));
    if (kind === "Provider") {
      this.queue.add(providerKey(ns, name));
      this.retainProviderSecrets();
    }
    if (kind === "ConfigMap") {
      for (const pack of this.informers.get("PromptPack")!.list(ns)) {
        if (packConfigMapName(pack) === name) this.queue.add(promptPackKey(ns, pack.metadata?.name ?? ""));
      }
    }
    if ((OWNED_KINDS as readonly string[]).includes(kind)) {
      for (const owner of object.metadata?.ownerReferences ?? []) {
        if (owner.kind === "AgentRuntime" && owner.controller) this.queue.add(`${ns}/${owner.name}`);
      }
    }
    for (const user of this.index.usersOf(refKey(kind, ns, name))) this.queue.add(user);
  }
}
