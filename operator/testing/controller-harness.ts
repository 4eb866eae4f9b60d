// Running the operator's controller against the in-process Kubernetes API server in tests: short
// lease and backoff timings, and a wait for the controller to have nothing left to do.
import pino from "pino";
import type { KubeTestServer } from "../../test/helpers/kube-test-server.js";
import { AgentRuntimeController } from "../controller/agent-runtime-controller.js";

/** API verbs that write. */
export const WRITES: readonly string[] = ["create", "update", "patch", "delete"];

export function testController(server: KubeTestServer, identity = "only"): AgentRuntimeController {
  return new AgentRuntimeController({
    kubeConfig: server.kubeConfig(),
    log: pino({ level: "silent" }),
    lease: { namespace: "omnia-system", name: "omnia-operator", identity, leaseDurationSeconds: 2, renewDeadlineMs: 1000, retryPeriodMs: 100 },
    queue: { baseDelayMs: 50, maxDelayMs: 1000 },
    informerRestartMs: 100,
  });
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
