// Test helper for the edge Worker's controller tests: the example cluster, a local stand-in for
// Cloudflare's API knowing one account, the Worker bundle in a temporary file, and the controller
// configured to upload it there.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubernetesObjectApi } from "@kubernetes/client-node";
import { type CloudflareApiServer, startCloudflareApiServer } from "../../test/helpers/cloudflare-api-server.js";
import type { KubeTestServer } from "../../test/helpers/kube-test-server.js";
import { DEFAULT_SETTINGS } from "../agent-runtime/settings.js";
import type { AgentRuntimeController } from "../controller/agent-runtime-controller.js";
import { startExampleCluster, testController } from "./controller-harness.js";

export interface EdgeWorkerWorld {
  server: KubeTestServer;
  api: KubernetesObjectApi;
  cloudflare: CloudflareApiServer;
  controller: AgentRuntimeController;
  close(): Promise<void>;
}

/** Everything started; `beforeStart` creates objects (Secrets) before the controller runs. */
export async function startEdgeWorkerWorld(options: {
  bundle: string;
  account: { id: string; token: string };
  beforeStart?: (api: KubernetesObjectApi) => Promise<void>;
}): Promise<EdgeWorkerWorld> {
  const dir = await mkdtemp(join(tmpdir(), "omnia-edge-worker-"));
  await writeFile(join(dir, "edge-worker.js"), options.bundle);
  const cloudflare = await startCloudflareApiServer({ accounts: { [options.account.id]: options.account.token } });
  const { server, api } = await startExampleCluster();
  await options.beforeStart?.(api);
  const controller = testController(server, "only", { ...DEFAULT_SETTINGS, edgeWorker: { bundlePath: join(dir, "edge-worker.js"), cloudflareApiUrl: cloudflare.apiUrl } });
  await controller.start();
  return {
    server,
    api,
    cloudflare,
    controller,
    async close() {
      await controller.stop();
      await server.close();
      await cloudflare.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
