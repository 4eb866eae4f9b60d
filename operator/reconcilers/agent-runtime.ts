// The AgentRuntime reconciler: resolve the agent and its references from the caches, compute the
// objects with the pure desired(), apply the changed ones (server-side apply as `omnia-operator`),
// delete what it owns and no longer wants, and apply status computed by the pure status().
// Idempotent: a pass over an unchanged world sends nothing.
import {
  ApiException,
  type CustomObjectsApi,
  type KubernetesObject,
  type KubernetesObjectApi,
  PatchStrategy,
  type V1Deployment,
  type V1Secret,
  type V1Service,
} from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { AgentRuntime } from "../../shared/manifests/agent-runtime.js";
import type { Provider } from "../../shared/manifests/provider.js";
import { bridgeTokenSecretName, PATHS } from "../agent-runtime/constants.js";
import { contentHash } from "../agent-runtime/content-hash.js";
import { desired, type DesiredObject } from "../agent-runtime/desired.js";
import type { DesiredScaledObject } from "../agent-runtime/scaled-object.js";
import { DEFAULT_SETTINGS } from "../agent-runtime/settings.js";
import { type ConditionUpdate, mergeConditions } from "../agent-runtime/conditions.js";
import { refKey, type ReferenceIndex } from "../controller/reference-index.js";
import { edgeFacade } from "../agent-runtime/inputs.js";
import type { OperatorSettings } from "../agent-runtime/settings.js";
import { agentRuntimeStatus, CONDITION_TYPES, type ReferenceReadiness, type RolloutReport } from "../agent-runtime/status.js";
import { replicaSplit } from "../agent-runtime/deployment.js";
import { candidateAgent, rolloutProgress, type RolloutState } from "../agent-runtime/rollout.js";
import type { ResolvedAgent } from "../../shared/manifests/resolve-agent.js";
import { providerSecretCondition, providerSecretRef } from "../provider/status.js";
import { resolveAgentReferences, parseClusterObject } from "./agent-references.js";
import { type ClusterReader, type WatchedKind } from "./cluster-reader.js";
import { containsFields } from "./compare.js";
import { FIELD_MANAGER, withAppliedHash } from "./applied-object.js";
import { EDGE_WORKER_CONDITION, EdgeWorkerUploader, edgeWorkerSecretNames } from "./edge-worker-upload.js";
import { hasAgentFinalizer, setAgentFinalizer } from "./agent-finalizer.js";
import { cloudflareSecretName, deleteEdgeWorker, type EdgeWorkerDeleteDeps } from "./edge-worker-delete.js";
import { workerName } from "../agent-runtime/wrangler-config.js";
import { AUTOSCALING_CONDITION, ScaledObjects } from "./scaled-objects.js";
import { applyStatusIfChanged, invalidSpecMessage, invalidSpecStatus, storedConditions, storedStatus } from "./status-subresource.js";

export { APPLIED_HASH_ANNOTATION, FIELD_MANAGER } from "./applied-object.js";

export interface AgentRuntimeReconcilerDeps {
  reader: ClusterReader;
  objects: KubernetesObjectApi;
  custom: CustomObjectsApi;
  index: ReferenceIndex;
  log: Logger;
  newToken: () => string;
  /** A provider's credential Secret as last seen (throws while that is not known yet). */
  secret: (namespace: string, name: string) => Promise<V1Secret | undefined>;
  now?: () => Date;
  settings?: OperatorSettings;
  /** Asks for `key` again after `ms` (a rollout step's pause ending). */
  requeueAfter?: (key: string, ms: number) => void;
}

const isCode = (err: unknown, code: number) => err instanceof ApiException && err.code === code;

function ownedBy(object: KubernetesObject, uid: string): boolean {
  return (object.metadata?.ownerReferences ?? []).some((o) => o.uid === uid && o.controller === true);
}

export class AgentRuntimeReconciler {
  private readonly scaledObjects: ScaledObjects;
  private readonly edgeWorker: EdgeWorkerUploader;
  private readonly workerDeps: EdgeWorkerDeleteDeps;

  constructor(private readonly deps: AgentRuntimeReconcilerDeps) {
    this.scaledObjects = new ScaledObjects(deps);
    this.workerDeps = { ...deps, settings: (deps.settings ?? DEFAULT_SETTINGS).edgeWorker };
    this.edgeWorker = new EdgeWorkerUploader({ ...deps, settings: this.workerDeps.settings });
  }

  /** Reconciles `namespace/name`; throws on API errors so the queue retries with backoff. */
  async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split("/") as [string, string];
    const { reader, index, log } = this.deps;
    const raw = reader.get("AgentRuntime", namespace, name);
    if (raw?.metadata?.deletionTimestamp && hasAgentFinalizer(raw)) return this.finalize(key, raw);
    if (!raw || raw.metadata?.deletionTimestamp) {
      index.remove(key); // its objects go with it (owner references)
      return;
    }
    const parsed = parseClusterObject(raw);
    if (!parsed.ok || parsed.object.kind !== "AgentRuntime") {
      const message = invalidSpecMessage(parsed, "AgentRuntime");
      log.warn({ agent: key, message }, "invalid AgentRuntime");
      index.set(key, []);
      await this.applyStatus(raw, invalidSpecStatus(raw, { kind: "AgentRuntime", conditionType: CONDITION_TYPES.ready, phase: "Failed", message, now: this.now() }));
      return;
    }
    const agent = parsed.object;
    const refs = resolveAgentReferences(agent, reader);
    const rollout = this.rollout(key, agent, raw);
    const edgeSecrets = refs.resolved ? edgeWorkerSecretNames({ resolved: refs.resolved }).map((n) => refKey("Secret", namespace, n)) : [];
    index.set(key, [...refs.refs, ...(rollout?.refs ?? []), ...edgeSecrets]);

    let observed: { deployment?: V1Deployment; service?: V1Service } = {
      deployment: reader.get("Deployment", namespace, name) as V1Deployment | undefined,
      service: reader.get("Service", namespace, name) as V1Service | undefined,
    };
    const credential = refs.resolved ? await this.providerCredential(refs.resolved.provider) : undefined;
    if (credential && !credential.ready) refs.readiness.provider = credential;
    // Kept as stored while nothing is applied (a broken reference), so they neither flap nor vanish.
    let extraConditions: ConditionUpdate[] = (storedConditions(raw) ?? []).filter((c) => c.type === AUTOSCALING_CONDITION || c.type === EDGE_WORKER_CONDITION);
    if (refs.resolved && credential?.ready !== false) {
      // A broken reference leaves what runs in place: the last good configuration keeps serving.
      const bridgeToken = edgeFacade(refs.resolved) ? await this.bridgeToken(agent) : undefined;
      const inputs = {
        resolved: refs.resolved,
        ...(bridgeToken !== undefined ? { bridgeToken } : {}),
        ...(credential?.ready ? { providerCredentialHash: credential.hash } : {}),
        ...(rollout?.canary ? { canary: rollout.canary } : {}),
        ...(this.deps.settings ? { settings: this.deps.settings } : {}),
      };
      // The finalizer goes on before the first upload, so no Worker exists that deletion would forget.
      let finalizer = hasAgentFinalizer(raw);
      const holdWorker = async () => {
        if (!finalizer) await setAgentFinalizer(this.deps.objects, raw, true);
        finalizer = true;
      };
      const edge = await this.edgeWorker.reconcile(inputs, holdWorker);
      if (edge?.uploadedHash !== undefined) await holdWorker();
      if (edge === undefined && finalizer) {
        // Without the Cloudflare Secret's name there is nothing to delete the Worker with.
        log.warn({ agent: key, worker: workerName(namespace, name) }, "the agent no longer uploads its edge Worker: it is left at Cloudflare");
        await setAgentFinalizer(this.deps.objects, raw, false);
      }
      const objects = desired({ ...inputs, ...(edge?.uploadedHash !== undefined ? { edgeWorkerUploadedHash: edge.uploadedHash } : {}) });
      // KEDA's kind is not watched: it goes through the API on its own (scaled-objects.ts).
      const scaledObject = objects.find((o): o is DesiredScaledObject => o.kind === "ScaledObject");
      const watched = objects.filter((o) => o !== scaledObject);
      observed = await this.applyObjects(agent, watched);
      await this.pruneObjects(agent, watched);
      const autoscaling = await this.scaledObjects.reconcile(agent, scaledObject, storedConditions(raw));
      extraConditions = [...(autoscaling ? [autoscaling] : []), ...(edge ? [edge.condition] : [])];
    }
    const status = agentRuntimeStatus({
      agent,
      ...(refs.resolved ? { promptPack: refs.resolved.promptPack } : {}),
      observed,
      references: refs.readiness,
      previousConditions: storedConditions(raw),
      ...(rollout ? { rollout: rollout.report(refs.resolved) } : {}),
      extraConditions,
      now: this.now(),
    });
    await this.applyStatus(raw, status);
  }

  /**
   * A deleting agent that holds the finalizer: its Worker is deleted from Cloudflare, then the
   * finalizer removed (the API server deletes the agent, the garbage collector what it owns). While
   * the deletion is blocked the agent stays, with EdgeWorkerDeleted saying why, and a change to its
   * Cloudflare Secret requeues it.
   */
  private async finalize(key: string, raw: KubernetesObject): Promise<void> {
    const { index, log } = this.deps;
    const namespace = raw.metadata?.namespace ?? "";
    const secret = cloudflareSecretName(raw);
    index.set(key, secret !== undefined ? [refKey("Secret", namespace, secret)] : []);
    const deletion = await deleteEdgeWorker(this.workerDeps, raw);
    if (deletion.gone) {
      await setAgentFinalizer(this.deps.objects, raw, false);
      index.remove(key);
      return;
    }
    log.warn({ agent: key, reason: deletion.condition.reason, message: deletion.condition.message }, "the edge Worker could not be deleted; the AgentRuntime waits");
    const previous = storedConditions(raw) ?? [];
    const [condition] = mergeConditions(previous, [deletion.condition], this.now(), undefined);
    await this.applyStatus(raw, { ...storedStatus(raw), conditions: [...previous.filter((c) => c.type !== condition!.type), condition] });
  }

  /**
   * The rollout, when spec.rollout is set: the candidate resolved from the caches (its references
   * join the agent's, so a changed candidate pack requeues the agent), the current step from the
   * stored status and the time, and a requeue for when the step's pause ends.
   */
  private rollout(key: string, agent: AgentRuntime, raw: KubernetesObject) {
    const spec = agent.spec.rollout;
    const candidate = candidateAgent(agent);
    if (!spec || !candidate) return undefined;
    const refs = resolveAgentReferences(candidate, this.deps.reader);
    const stored = storedStatus(raw).rollout as Partial<RolloutState> | undefined;
    const progress = rolloutProgress(spec, stored, (this.deps.now?.() ?? new Date()).getTime());
    if (progress.wakeInMs !== undefined) this.deps.requeueAfter?.(key, progress.wakeInMs + 1);
    const canary = refs.resolved ? { resolved: refs.resolved, weight: progress.weight, ownTools: spec.candidate.toolRegistryRef !== undefined } : undefined;
    const broken = [refs.readiness.promptPack, refs.readiness.provider, refs.readiness.toolRegistry].filter((r) => r !== undefined && !r.ready);
    return {
      refs: refs.refs,
      canary,
      report: (stable: ResolvedAgent | undefined): RolloutReport => {
        if (!canary) return { ok: false, message: broken.map((r) => r!.message).join("; ") || "the candidate did not resolve" };
        const split = replicaSplit({ resolved: stable ?? canary.resolved, canary });
        return {
          ok: true,
          step: progress.step,
          steps: spec.steps.length,
          weight: progress.weight,
          stepStartedAt: progress.stepStartedAt,
          specHash: progress.specHash,
          stableReplicas: split.stable ?? agent.spec.runtime.autoscaling?.minReplicas ?? 1,
          canaryReplicas: split.canary,
          candidateVersion: canary.resolved.promptPack.spec.version,
        };
      },
    };
  }

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }

  /**
   * The provider key's Secret, when the provider reads one: its hash for the pod template, or why the
   * pods could not start (a missing Secret or key would leave them in CreateContainerConfigError).
   */
  private async providerCredential(provider: Provider): Promise<({ ready: true; hash: string }) | (ReferenceReadiness & { ready: false }) | undefined> {
    const ref = providerSecretRef(provider);
    if (!ref || provider.spec.type === "mock") return undefined;
    const secret = await this.deps.secret(provider.metadata.namespace, ref.name);
    const check = providerSecretCondition(provider, ref, secret);
    if (check.status !== "True") {
      return { ready: false, reason: `Provider${check.reason}`, message: `Provider "${provider.metadata.name}": ${check.message}` };
    }
    const value = secret?.data?.[ref.key] ?? secret?.stringData?.[ref.key] ?? "";
    return { ready: true, hash: contentHash(value) };
  }

  /** The token in the existing Secret, else a new one (read through to the API: the cache may lag our own create). */
  private async bridgeToken(agent: AgentRuntime): Promise<string> {
    const { namespace, name } = agent.metadata;
    const secretName = bridgeTokenSecretName(name);
    let secret = this.deps.reader.get("Secret", namespace, secretName) as V1Secret | undefined;
    if (!secret) {
      try {
        secret = (await this.deps.objects.read({ apiVersion: "v1", kind: "Secret", metadata: { name: secretName, namespace } })) as V1Secret;
      } catch (err) {
        if (!isCode(err, 404)) throw err;
      }
    }
    const existing = secret?.data?.[PATHS.bridgeTokenKey];
    if (existing !== undefined && existing !== "") return Buffer.from(existing, "base64").toString("utf8");
    return this.deps.newToken();
  }

  private async applyObjects(agent: AgentRuntime, objects: DesiredObject[]): Promise<{ deployment?: V1Deployment; service?: V1Service }> {
    const { reader, objects: api, log } = this.deps;
    const observed: { deployment?: V1Deployment; service?: V1Service } = {};
    for (const object of objects) {
      const body = withAppliedHash(object);
      const current = reader.get(object.kind as WatchedKind, agent.metadata.namespace, object.metadata.name);
      let result: KubernetesObject;
      if (current && containsFields(current, body)) {
        result = current;
      } else {
        result = await api.patch(body, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
        log.info({ agent: `${agent.metadata.namespace}/${agent.metadata.name}`, kind: object.kind, name: object.metadata.name }, current ? "applied change" : "created");
      }
      if (object.kind === "Deployment") observed.deployment = result as V1Deployment;
      if (object.kind === "Service") observed.service = result as V1Service;
    }
    return observed;
  }

  /** Deletes what this agent owns and no longer wants (e.g. the HPA once autoscaling is off). */
  private async pruneObjects(agent: AgentRuntime, objects: DesiredObject[]): Promise<void> {
    const uid = agent.metadata.uid;
    if (typeof uid !== "string") return;
    const wanted = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
    for (const object of this.deps.reader.ownedBy(uid)) {
      const kind = object.kind ?? "";
      const name = object.metadata?.name ?? "";
      if (object.metadata?.namespace !== agent.metadata.namespace || !ownedBy(object, uid) || wanted.has(`${kind}/${name}`)) continue;
      try {
        await this.deps.objects.delete({ apiVersion: object.apiVersion, kind, metadata: { name, namespace: agent.metadata.namespace } });
        this.deps.log.info({ agent: `${agent.metadata.namespace}/${agent.metadata.name}`, kind, name }, "deleted (no longer desired)");
      } catch (err) {
        if (!isCode(err, 404)) throw err;
      }
    }
  }

  private async applyStatus(raw: KubernetesObject, status: object): Promise<void> {
    await applyStatusIfChanged(this.deps.custom, raw, "AgentRuntime", "agentruntimes", status);
  }
}
