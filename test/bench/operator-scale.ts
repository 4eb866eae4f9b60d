// The operator at scale, in-process against the Kubernetes test server: N AgentRuntimes (copies of
// the example agent, all sharing its PromptPack, Provider and ToolRegistry) exist before the
// operator starts; it is timed from start until every agent has its objects and a status for its
// current generation, with the API calls it made. Then every agent is requeued over an unchanged
// world (the periodic resync): that pass must write nothing. The baseline beside it is the floor:
// the same objects and statuses applied straight to a fresh server by one client, one after another.
import { CustomObjectsApi, KubernetesObjectApi, type KubernetesObject, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import pino from "pino";
import { AgentRuntimeController } from "../../operator/controller/agent-runtime-controller.js";
import { FIELD_MANAGER } from "../../operator/reconcilers/agent-runtime.js";
import { yamlObjects } from "../../operator/testing/yaml-dir.js";
import { OMNIA_API_GROUP, OMNIA_API_VERSION } from "../../shared/manifests/meta.js";
import { type KubeObject, type KubeTestServer, startKubeTestServer } from "../helpers/kube-test-server.js";
import type { BenchSection } from "./section.js";

const NS = "default";
const OWNED = [
  ["apps/v1", "Deployment"],
  ["v1", "Service"],
  ["v1", "ConfigMap"],
] as const;
const WRITE_VERBS = new Set(["create", "update", "patch", "delete", "deletecollection"]);
const POLL_MS = 20;

export interface OperatorScaleResult {
  agents: number;
  coldSeconds: number;
  callsPerAgent: { total: number; writes: number; reads: number; watches: number };
  /** Objects created per agent (its own, not the shared example objects). */
  objectsPerAgent: number;
  steadySeconds: number;
  steadyWrites: number;
  steadyReads: number;
  directSeconds: number;
  directWrites: number;
  heapMiB: number;
}

async function seedServer(agents: number): Promise<{ server: KubeTestServer; names: string[] }> {
  // Nothing is deleted here, so the test server's garbage collector (a scan of every object after
  // each write: its cost, not the operator's) stays off.
  const server = await startKubeTestServer({ crds: await yamlObjects<KubeObject>("deploy/crds"), historyLimit: agents * 20, garbageCollector: false });
  const examples = await yamlObjects<KubeObject>("deploy/examples");
  const template = examples.find((o) => o.kind === "AgentRuntime");
  if (!template) throw new Error("deploy/examples has no AgentRuntime to copy");
  for (const object of examples) if (object.kind !== "AgentRuntime") server.state.put(object);
  const names: string[] = [];
  for (let i = 0; i < agents; i++) {
    const name = `agent-${String(i).padStart(4, "0")}`;
    server.state.put({ ...structuredClone(template), metadata: { ...template.metadata, name, namespace: NS } });
    names.push(name);
  }
  return { server, names };
}

/**
 * Tracks which agents have had their status written: the reconciler applies an agent's objects
 * before its status, so a successful status write means that pass is done. Read from the server's
 * call log incrementally, because reading 1,000 objects every poll would cost more than the operator.
 */
function statusWrites(server: KubeTestServer): () => ReadonlySet<string> {
  const seen = new Set<string>();
  let read = 0;
  return () => {
    const calls = server.calls;
    for (; read < calls.length; read++) {
      const c = calls[read]!;
      if (c.resource === "agentruntimes" && c.subresource === "status" && c.verb === "patch" && c.code < 300 && c.name) seen.add(c.name);
    }
    return seen;
  };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const callsOf = (server: KubeTestServer) => server.calls.filter((c) => c.resource !== "leases" && c.verb !== "discovery");

/** What the operator made, by agent, as a client would apply it (server-set fields dropped). */
function ownedObjects(server: KubeTestServer): Map<string, KubernetesObject[]> {
  const byAgent = new Map<string, KubernetesObject[]>();
  for (const [apiVersion, kind] of OWNED) {
    for (const object of server.state.list(apiVersion, kind, NS)) {
      const owner = object.metadata.ownerReferences?.find((o) => o.kind === "AgentRuntime" && o.controller);
      if (!owner) continue;
      const { metadata, status: _status, ...rest } = object;
      const objects = byAgent.get(owner.name) ?? [];
      objects.push({
        ...rest,
        apiVersion,
        kind,
        metadata: { name: metadata.name, namespace: NS, labels: metadata.labels, annotations: metadata.annotations },
      } as KubernetesObject);
      byAgent.set(owner.name, objects);
    }
  }
  return byAgent;
}

/** The floor: the same objects and statuses applied by one client straight to a fresh server. */
async function applyDirectly(objectsByAgent: Map<string, KubernetesObject[]>, statuses: Map<string, unknown>, agents: number): Promise<{ seconds: number; writes: number }> {
  const { server } = await seedServer(agents);
  try {
    const api = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    const custom = server.kubeConfig().makeApiClient(CustomObjectsApi);
    const started = performance.now();
    for (const [name, objects] of objectsByAgent) {
      for (const object of objects) await api.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
      await custom.patchNamespacedCustomObjectStatus(
        {
          group: OMNIA_API_GROUP,
          version: OMNIA_API_VERSION.split("/")[1]!,
          namespace: NS,
          plural: "agentruntimes",
          name,
          body: { apiVersion: OMNIA_API_VERSION, kind: "AgentRuntime", metadata: { name, namespace: NS }, status: statuses.get(name) },
          fieldManager: FIELD_MANAGER,
          force: true,
        },
        setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
      );
    }
    const seconds = (performance.now() - started) / 1000;
    return { seconds, writes: callsOf(server).filter((c) => WRITE_VERBS.has(c.verb)).length };
  } finally {
    await server.close();
  }
}

export async function runOperatorScale(options: { agents: number; timeoutMs: number }): Promise<OperatorScaleResult> {
  const { agents } = options;
  const { server, names } = await seedServer(agents);
  const controller = new AgentRuntimeController({
    kubeConfig: server.kubeConfig(),
    log: pino({ level: "silent" }),
    lease: { namespace: "omnia-system", name: "omnia-operator", identity: "bench", leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 100 },
    resyncMs: 3_600_000,
  });
  try {
    const written = statusWrites(server);
    const started = performance.now();
    await controller.start();
    await until(() => written().size === agents, options.timeoutMs, `${agents} AgentRuntimes to be reconciled`);
    await until(() => controller.queue.length === 0, options.timeoutMs, "the operator's queue to drain");
    const coldSeconds = (performance.now() - started) / 1000;
    const cold = callsOf(server);
    const objectsByAgent = ownedObjects(server);
    const statuses = new Map(names.map((n) => [n, server.state.get(OMNIA_API_VERSION, "AgentRuntime", n, NS)!.status]));

    server.resetCalls();
    const before = controller.reconciles;
    const steadyStart = performance.now();
    for (const name of names) controller.queue.add(`${NS}/${name}`);
    await until(() => controller.reconciles >= before + agents && controller.queue.length === 0, options.timeoutMs, "the resync pass");
    const steadySeconds = (performance.now() - steadyStart) / 1000;
    const steady = callsOf(server);
    const heapMiB = process.memoryUsage().heapUsed / (1024 * 1024);

    await controller.stop();
    const direct = await applyDirectly(objectsByAgent, statuses, agents);
    const per = (n: number) => n / agents;
    return {
      agents,
      coldSeconds,
      callsPerAgent: {
        total: per(cold.length),
        writes: per(cold.filter((c) => WRITE_VERBS.has(c.verb)).length),
        reads: per(cold.filter((c) => c.verb === "get" || c.verb === "list").length),
        watches: per(cold.filter((c) => c.verb === "watch").length),
      },
      objectsPerAgent: per([...objectsByAgent.values()].reduce((sum, objects) => sum + objects.length, 0)),
      steadySeconds,
      steadyWrites: steady.filter((c) => WRITE_VERBS.has(c.verb)).length,
      steadyReads: steady.filter((c) => c.verb === "get" || c.verb === "list").length,
      directSeconds: direct.seconds,
      directWrites: direct.writes,
      heapMiB,
    };
  } finally {
    await controller.stop().catch(() => undefined);
    await server.close();
  }
}

export function operatorSection(r: OperatorScaleResult | undefined, agents: number): BenchSection {
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? a / b : null);
  const notes: string[] = [];
  if (r && r.steadyWrites > 0) notes.push(`the resync pass over an unchanged world wrote ${r.steadyWrites} times (expected 0)`);
  return {
    name: "operator",
    about: `operator: ${agents} AgentRuntimes reconciled from cold against the in-process API server; baseline = the same objects and statuses applied directly by one client`,
    rows: [
      { label: "operator: cold reconcile, all agents (s)", value: r?.coldSeconds, baseline: r?.directSeconds, digits: 2 },
      { label: "operator: agents per second", value: r ? r.agents / r.coldSeconds : undefined, baseline: r ? r.agents / r.directSeconds : undefined, digits: 0 },
      { label: "operator: API calls per agent (excl. lease)", value: r?.callsPerAgent.total, digits: 2 },
      { label: "operator: writes per agent", value: r?.callsPerAgent.writes, baseline: r ? r.directWrites / r.agents : undefined, digits: 2 },
      { label: "operator: reads (get/list) per agent", value: r?.callsPerAgent.reads, digits: 2 },
      { label: "operator: objects made per agent", value: r?.objectsPerAgent, digits: 2 },
      { label: "operator: steady-state pass (s)", value: r?.steadySeconds, digits: 2 },
      { label: "operator: steady-state writes (all agents)", value: r?.steadyWrites, digits: 0 },
      { label: "operator: steady-state reads (all agents)", value: r?.steadyReads, digits: 0 },
      { label: "operator: bench process heap after (MiB)", value: r?.heapMiB, digits: 1 },
    ],
    figures: {
      agents,
      cold_seconds: r?.coldSeconds ?? null,
      direct_seconds: r?.directSeconds ?? null,
      cold_ratio_vs_direct: ratio(r?.coldSeconds, r?.directSeconds),
      calls_per_agent: r?.callsPerAgent.total ?? null,
      writes_per_agent: r?.callsPerAgent.writes ?? null,
      reads_per_agent: r?.callsPerAgent.reads ?? null,
      steady_writes: r?.steadyWrites ?? null,
      steady_reads: r?.steadyReads ?? null,
    },
    notes,
  };
}
