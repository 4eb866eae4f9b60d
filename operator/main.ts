// Operator entry: `node --import tsx operator/main.ts`. Reads the kubeconfig from the pod's service
// account in a cluster, else KUBECONFIG or ~/.kube/config. SIGTERM finishes the current reconcile,
// releases the leader Lease (so a standby takes over at once) and exits.
import { KubeConfig } from "@kubernetes/client-node";
import pino from "pino";
import { ConfigError, loadOperatorConfig } from "./controller/operator-config.js";
import { AgentRuntimeController } from "./controller/agent-runtime-controller.js";
import { DEFAULT_SETTINGS } from "./agent-runtime/settings.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadOperatorConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`omnia operator: configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const log = pino({ level: config.logLevel, base: { component: "operator" } });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const settings = { ...DEFAULT_SETTINGS, edgeWorker: config.edgeWorker };
  const controller = new AgentRuntimeController({ kubeConfig, log, lease: config.lease, settings });
  await controller.start();
  log.info({ identity: config.lease.identity, lease: `${config.lease.namespace}/${config.lease.name}` }, "operator started");

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    controller.stop().then(
      () => {
        log.info({}, "operator stopped");
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err: String(err) }, "stop failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

void main();
