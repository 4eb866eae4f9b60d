import { afterEach, describe, expect, it } from "vitest";
import { loadManifestDir } from "./load-manifests.js";
import { ManifestLoadError } from "./manifest-error.js";
import { agentRuntime, packConfigMap, promptPack, provider, writeManifestDir, yamlDocs } from "./test-fixtures.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function dirWith(files: Record<string, string>): Promise<string> {
  const { dir, cleanup } = await writeManifestDir(files);
  cleanups.push(cleanup);
  return dir;
}

async function loadErrors(files: Record<string, string>): Promise<ManifestLoadError> {
  const dir = await dirWith(files);
  const error = await loadManifestDir(dir).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(error instanceof ManifestLoadError)) throw new Error(`expected ManifestLoadError, got ${String(error)}`);
  return error;
}

describe("loadManifestDir", () => {
  it("loads multi-document YAML and JSON files by kind, with defaults applied", async () => {
    const dir = await dirWith({
      "a.yaml": yamlDocs(provider(), packConfigMap(), promptPack()),
      "b.json": JSON.stringify(agentRuntime()),
      "notes.txt": "not a manifest",
    });
    const set = await loadManifestDir(dir);
    expect([...set.providers.keys()]).toEqual(["default/mock"]);
    expect([...set.configMaps.keys()]).toEqual(["default/assistant-pack"]);
    expect(set.promptPacks.get("default/assistant")?.spec.packName).toBe("assistant");
    expect(set.agentRuntimes.get("default/assistant")?.spec.facades[0]?.handler).toBe("runtime");
    expect(set.files.get("AgentRuntime default/assistant")).toBe(`${dir}/b.json`);
  });

  it("ignores other API groups' kinds and empty documents", async () => {
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { whatever: true } };
    const service = { apiVersion: "v1", kind: "Service", metadata: { name: "x" } };
    const dir = await dirWith({ "a.yml": `---\n${yamlDocs(deployment, service)}---\n# only a comment\n` });
    const set = await loadManifestDir(dir);
    expect(set.files.size).toBe(0);
  });

  it("reports each invalid field with file, object and dotted path", async () => {
    const error = await loadErrors({ "agent.yaml": yamlDocs(agentRuntime("assistant", { facades: [{ port: "8080" }] })) });
    expect(error.errors).toEqual([
      {
        file: expect.stringMatching(/agent\.yaml$/),
        object: "AgentRuntime default/assistant",
        field: "spec.facades[0].port",
        message: 'Invalid type: Expected number but received "8080"',
      },
    ]);
    expect(error.message).toMatch(
      /agent\.yaml: AgentRuntime default\/assistant: spec\.facades\[0\]\.port: Invalid type: Expected number but received "8080"/,
    );
  });

  it("collects errors across files before throwing", async () => {
    const noPackRef = agentRuntime("a");
    delete (noPackRef.spec as { promptPackRef?: unknown }).promptPackRef;
    const error = await loadErrors({
      "1.yaml": yamlDocs(noPackRef),
      "2.yaml": yamlDocs(provider("p", { type: "gpt" })),
    });
    expect(error.errors.map((e) => `${e.object} ${e.field}: ${e.message}`)).toEqual([
      "AgentRuntime default/a spec.promptPackRef: required",
      'Provider default/p spec.type: "gpt" is not one of claude, openai, gemini, ollama, mock, vllm, voyageai, cartesia, elevenlabs, imagen, huggingface',
    ]);
    expect(error.message).toMatch(/^invalid manifests \(2 errors\):/);
  });

  it("rejects unknown kinds and versions in our group", async () => {
    const error = await loadErrors({
      "a.yaml": yamlDocs(
        { apiVersion: "omnia.altairalabs.ai/v1alpha1", kind: "Agent", metadata: { name: "x" } },
        { ...provider(), apiVersion: "omnia.altairalabs.ai/v1" },
      ),
    });
    expect(error.errors.map((e) => `${e.object} ${e.field}: ${e.message}`)).toEqual([
      "Agent default/x kind: unknown kind in omnia.altairalabs.ai (expected one of Provider, PromptPack, ToolRegistry, AgentRuntime, Workspace)",
      'Provider default/mock apiVersion: unsupported version "omnia.altairalabs.ai/v1" (expected omnia.altairalabs.ai/v1alpha1)',
    ]);
  });

  it("rejects duplicates of the same kind, namespace and name", async () => {
    const error = await loadErrors({ "a.yaml": yamlDocs(provider()), "b.yaml": yamlDocs(provider()) });
    expect(error.errors).toEqual([
      {
        file: expect.stringMatching(/b\.yaml$/),
        object: "Provider default/mock",
        field: "metadata.name",
        message: expect.stringMatching(/^duplicate: already defined in .*a\.yaml$/),
      },
    ]);
  });

  it("allows the same name in another namespace or kind", async () => {
    const other = { ...provider(), metadata: { name: "mock", namespace: "team-b" } };
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "mock" } };
    const set = await loadManifestDir(await dirWith({ "a.yaml": yamlDocs(provider(), other, cm) }));
    expect([...set.providers.keys()]).toEqual(["default/mock", "team-b/mock"]);
  });

  it("reports YAML syntax errors and documents without apiVersion", async () => {
    const error = await loadErrors({ "a.yaml": "kind: Provider\n---\nfoo: [unclosed\n" });
    expect(error.errors[0]).toMatchObject({ object: "document 1", field: "apiVersion", message: "required" });
    expect(error.errors[1]).toMatchObject({ object: "document 2", message: expect.stringMatching(/^YAML: /) });
  });

  it("reads the items of a v1 List", async () => {
    const list = { apiVersion: "v1", kind: "List", items: [provider("one"), provider("two")] };
    const set = await loadManifestDir(await dirWith({ "list.yaml": yamlDocs(list) }));
    expect([...set.providers.keys()]).toEqual(["default/one", "default/two"]);
  });
});
