// The operator process: started as a user would (KUBECONFIG), it reconciles the examples, and
// SIGTERM stops it cleanly and releases its Lease.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../test/helpers/eventually.js";
import { startKubeTestServer, type KubeObject, type KubeTestServer } from "../test/helpers/kube-test-server.js";
import { yamlObjects } from "./testing/yaml-dir.js";

const yamlDir = (dir: string) => yamlObjects<KubeObject>(dir);

let server: KubeTestServer;
let dir: string;
beforeAll(async () => {
  server = await startKubeTestServer({ crds: await yamlDir("deploy/crds") });
  const api = KubernetesObjectApi.makeApiClient(server.kubeConfig());
  for (const object of await yamlDir("deploy/examples")) await api.create(object as KubernetesObject);
  dir = await mkdtemp(join(tmpdir(), "omnia-operator-"));
  await writeFile(join(dir, "kubeconfig"), server.kubeConfig().exportConfig());
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("operator process", () => {
  it("reconciles from KUBECONFIG and releases its Lease on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "operator/main.ts"], {
      env: { ...process.env, KUBECONFIG: join(dir, "kubeconfig"), OMNIA_OPERATOR_IDENTITY: "main-test", OMNIA_OPERATOR_NAMESPACE: "omnia-system" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await eventually(async () => expect(server.state.get("apps/v1", "Deployment", "assistant", "default")).toBeDefined(), 20_000, 100);
      const lease = () => server.state.get("coordination.k8s.io/v1", "Lease", "omnia-operator", "omnia-system")?.spec as { holderIdentity?: string };
      expect(lease().holderIdentity).toBe("main-test");
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(lease().holderIdentity).toBeUndefined();
      const lines = output.trim().split("\n").map((l) => JSON.parse(l) as { msg: string });
      expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["operator started", "stopping", "operator stopped"]));
    } finally {
      child.kill("SIGKILL");
    }
  }, 30_000);
});
