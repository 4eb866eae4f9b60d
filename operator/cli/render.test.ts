import { execFile } from "node:child_process";
import { cp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { loadManifestDir } from "../../shared/manifests/load-manifests.js";
import { agentRuntime, packConfigMap, promptPack, provider, writeManifestDir, yamlDocs } from "../../shared/manifests/test-fixtures.js";
import { validateKubernetesObject } from "../testing/kubernetes-schema.js";

const run = promisify(execFile);
const BIN = join(import.meta.dirname, "omnia.mjs");
const ROOT = join(import.meta.dirname, "..", "..");

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

// The bin as a process, on this test's Node (24), from the repository root.
async function omnia(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function documents(yamlText: string): Array<{ apiVersion: string; kind: string; metadata: { name: string } }> {
  return parseAllDocuments(yamlText).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS();
  });
}

describe("omnia render", () => {
  it("prints the objects for deploy/examples as YAML the Kubernetes schemas accept", async () => {
    const result = await omnia("render", "-f", "deploy/examples");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const docs = documents(result.stdout);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      "ConfigMap/assistant-tools",
      "Deployment/assistant",
      "Service/assistant",
      "ConfigMap/secured-tools",
      "Deployment/secured",
      "Service/secured",
    ]);
    for (const doc of docs) validateKubernetesObject(doc);
    // Rendering twice prints the same bytes (no edge facade, so no token).
    expect((await omnia("render", "-f", "deploy/examples")).stdout).toBe(result.stdout);
  });

  it("runs as `npx omnia` through the package.json bin entry", async () => {
    const { stdout } = await run("npx", ["--no", "omnia", "render", "-f", "deploy/examples/"], { cwd: ROOT });
    expect(stdout).toContain("kind: Deployment");
  });

  it("renders single files, and an edge agent with a fresh bridge token each run", async () => {
    const { dir, cleanup } = await writeManifestDir({
      "refs.yaml": yamlDocs(provider(), packConfigMap(), promptPack()),
      "agent.yaml": yamlDocs(agentRuntime("edgy", { facades: [{ placement: "edge" }], externalAuth: { clientKeys: { secretRef: { name: "edgy-keys" } } } })),
    });
    try {
      const first = await omnia("render", "-f", join(dir, "refs.yaml"), "-f", join(dir, "agent.yaml"));
      expect(first.code).toBe(0);
      const docs = documents(first.stdout);
      expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
        "ConfigMap/edgy-tools",
        "Secret/edgy-bridge-token",
        "ConfigMap/edgy-edge-worker",
        "Deployment/edgy",
        "Service/edgy",
      ]);
      for (const doc of docs) validateKubernetesObject(doc);
      const token = (out: string) => (documents(out).find((d) => d.kind === "Secret") as unknown as { data: { token: string } }).data.token;
      expect(token((await omnia("render", "-f", dir)).stdout)).not.toBe(token(first.stdout));
    } finally {
      await cleanup();
    }
  });

  it("reports invalid manifests exactly as the loader does, with exit code 1", async () => {
    const { dir, cleanup } = await writeManifestDir({
      "refs.yaml": yamlDocs(provider(), packConfigMap(), promptPack()),
      "agent.yaml": yamlDocs(agentRuntime("assistant", { facades: [{ port: "8080", placement: "moon" }] })),
    });
    try {
      const loaderMessage = await loadManifestDir(dir).then(
        () => "loaded",
        (err: Error) => err.message,
      );
      expect(loaderMessage).toMatch(/spec\.facades\[0\]\.port/);
      expect(loaderMessage).toMatch(/spec\.facades\[0\]\.placement: "moon" is not one of sidecar, edge/);
      const result = await omnia("render", "-f", dir);
      expect(result).toEqual({ code: 1, stdout: "", stderr: `${loaderMessage}\n` });
    } finally {
      await cleanup();
    }
  });

  it("reports a broken reference the way the resolver does", async () => {
    const { dir, cleanup } = await writeManifestDir({ "agent.yaml": yamlDocs(agentRuntime("assistant")) });
    try {
      const result = await omnia("render", "-f", dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^invalid manifests \(2 errors\):\n/);
      expect(result.stderr).toContain(`${join(dir, "agent.yaml")}: AgentRuntime default/assistant: spec.providers[0].providerRef.name: Provider "mock" not found in namespace default`);
    } finally {
      await cleanup();
    }
  });

  it.each([
    [["render"], 2, /give at least one -f/],
    [["render", "-f"], 2, /-f needs a file or directory/],
    [["render", "--bogus"], 2, /unknown argument --bogus/],
    [["render", "-f", "no/such/dir"], 1, /ENOENT/],
    [["frobnicate"], 2, /unknown command frobnicate/],
  ])("omnia %j exits %i", async (args, code, message) => {
    const result = await omnia(...args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
  });

  it("skips kinds the operator does not read (a Deployment beside the examples)", async () => {
    const { dir, cleanup } = await writeManifestDir({});
    try {
      await cp(join(ROOT, "deploy/examples"), dir, { recursive: true });
      await writeFile(join(dir, "zz-other.yaml"), yamlDocs({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" } }));
      const result = await omnia("render", "-f", dir);
      expect(result.code).toBe(0);
      expect(documents(result.stdout)).toHaveLength(6);
    } finally {
      await cleanup();
    }
  });
});
