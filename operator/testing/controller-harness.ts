// Running the operator's controller against the in-process Kubernetes API server in tests: short
// lease and backoff timings, and a wait for the controller to have nothing left to do.
import { type KubernetesObject, KubernetesObjectApi } from "@kubernetes/client-node";
import pino from "pino";
import { eventually } from "../../test/helpers/eventually.js";
import { type ApiCall, type KubeObject, type KubeTestServer, startKubeTestServer } from "../../test/helpers/kube-test-server.js";
import type { OperatorSettings } from "../agent-runtime/settings.js";
import { AgentRuntimeController } from "../controller/agent-runtime-controller.js";
import { yamlObjects } from "./yaml-dir.js";

/** API verbs that write. */
export const WRITES: readonly string[] = ["create", "update", "patch", "delete"];

export function testController(server: KubeTestServer, identity = "only", settings?: OperatorSettings): AgentRuntimeController {
  return new AgentRuntimeController({
    kubeConfig: server.kubeConfig(),
    log: pino({ level: "silent" }),
    lease: { namespace: "omnia-system", name: "omnia-operator", identity, leaseDurationSeconds: 2, renewDeadlineMs: 1000, retryPeriodMs: 100 },
    queue: { baseDelayMs: 50, maxDelayMs: 1000 },
    informerRestartMs: 100,
    ...(settings ? { settings } : {}),
  });
}

/** An API server with the CRDs of deploy/crds and the objects of deploy/examples created through the API. */
export async function startExampleCluster(): Promise<{ server: KubeTestServer; api: KubernetesObjectApi }> {
  const server = await startKubeTestServer({ crds: await yamlObjects<KubeObject>("deploy/crds") });
  const api = KubernetesObjectApi.makeApiClient(server.kubeConfig());
  for (const object of await yamlObjects("deploy/examples")) await api.create(object as KubernetesObject);
  return { server, api };
}

/** Waits until the controller has had nothing to do for a while. */
export async function settled(controller: AgentRuntimeController, quietMs = 300): Promise<void> {
  let last = -1;
  for (;;) {
    const now = controller.reconciles;
    if (now === last && controller.queue.length === 0) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

/**
 * Settles, then reconciles `key` once more and settles again; returns the API calls that pass made
 * and its writes (Lease renewals left out: they are the leader's heartbeat, not reconcile writes).
 */
export async function quietPass(server: KubeTestServer, controller: AgentRuntimeController, key: string): Promise<{ calls: ApiCall[]; writes: ApiCall[] }> {
  await settled(controller);
  server.resetCalls();
  const before = controller.reconciles;
  controller.queue.add(key);
  await eventually(async () => {
    if (controller.reconciles <= before) throw new Error(`${key} was not reconciled`);
  });
  await settled(controller);
  const calls = [...server.calls];
  return { calls, writes: calls.filter((c) => WRITES.includes(c.verb) && c.resource !== "leases") };
}
