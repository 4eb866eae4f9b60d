// The CRDs in deploy/crds/ are what `npm run gen:crds` produces; each is a valid, structural
// CustomResourceDefinition; and the API server would take exactly what our loader takes: every
// example and fixture manifest passes its CRD's schema, and bad manifests fail both.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CustomResourceDefinition as CrdModel } from "kubernetes-models/apiextensions.k8s.io/v1";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { REPO_ROOT } from "../../deploy/local/child-process.js";
import { customResourceDefinition } from "../../shared/manifests/crd/custom-resource-definition.js";
import { OMNIA_CRDS } from "../../shared/manifests/crd/omnia-kinds.js";
import { CRD_DIR, renderCrdFiles } from "../../shared/manifests/crd/render-crd-yaml.js";
import { structuralViolations } from "../../shared/manifests/crd/structural-rules.js";
import { resourceValidator } from "../../shared/manifests/crd/validate-resource.js";
import { loadManifestTexts } from "../../shared/manifests/load-manifests.js";
import { ManifestLoadError } from "../../shared/manifests/manifest-error.js";
import { agentRuntime, promptPack, provider, toolRegistry } from "../../shared/manifests/test-fixtures.js";

const crdDir = join(REPO_ROOT, CRD_DIR);
const committed = readdirSync(crdDir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml").sort();
const validators = new Map(OMNIA_CRDS.map((kind) => [kind.kind, resourceValidator(customResourceDefinition(kind))]));

function crdProblems(object: { kind: string }): string[] {
  const validate = validators.get(object.kind);
  if (!validate) throw new Error(`no CRD for ${object.kind}`);
  return validate(JSON.parse(JSON.stringify(object)));
}

function loaderProblems(object: unknown): string[] {
  try {
    loadManifestTexts([{ file: "bad.yaml", text: JSON.stringify(object) }]);
    return [];
  } catch (error) {
    if (!(error instanceof ManifestLoadError)) throw error;
    return error.errors.map((e) => `${e.field}: ${e.message}`);
  }
}

function omniaDocuments(dir: string): Array<{ where: string; object: { kind: string } }> {
  return readdirSync(join(REPO_ROOT, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(REPO_ROOT, dir, file), "utf8")).map((doc, i) => ({
        where: `${dir}/${file} document ${i + 1}`,
        object: doc.toJS() as { apiVersion?: string; kind: string },
      })),
    )
    .filter(({ object }) => validators.has(object.kind));
}

const workspace = (spec: Record<string, unknown>) => ({
  apiVersion: "omnia.altairalabs.ai/v1alpha1",
  kind: "Workspace",
  metadata: { name: "team-a" },
  spec: { displayName: "Team A", namespace: { name: "team-a" }, ...spec },
});

describe("deploy/crds", () => {
  it("is exactly what npm run gen:crds generates", () => {
    const fresh = renderCrdFiles(OMNIA_CRDS);
    expect(committed).toEqual(fresh.map((f) => f.file));
    for (const { file, text } of fresh) expect(readFileSync(join(crdDir, file), "utf8"), file).toBe(text);
  });

  it.each(committed)("%s is a valid apiextensions.k8s.io/v1 CustomResourceDefinition", (file) => {
    const text = readFileSync(join(crdDir, file), "utf8");
    expect(text.startsWith("# ")).toBe(true);
    expect(text, "YAML anchors or aliases").not.toMatch(/:\s+[&*]\w/);
    const crd = parse(text) as CrdModel;
    expect(() => new CrdModel(crd).validate()).not.toThrow();
    expect(crd.metadata?.name).toBe(file.replace(/\.yaml$/, ""));
  });

  it.each(committed)("%s has a structural schema", (file) => {
    const crd = parse(readFileSync(join(crdDir, file), "utf8")) as CrdModel;
    for (const version of crd.spec.versions) {
      expect(structuralViolations(version.schema?.openAPIV3Schema)).toEqual([]);
    }
  });
});

describe("manifests against their CRD", () => {
  const documents = [...omniaDocuments("deploy/examples"), ...omniaDocuments("test/fixtures/conformance")];

  it("covers the examples and the conformance fixtures", () => {
    expect(new Set(documents.map((d) => d.object.kind))).toEqual(new Set(["AgentRuntime", "PromptPack", "ToolRegistry", "Provider"]));
  });

  it.each(documents.map((d) => [d.where, d.object] as const))("%s passes its CRD schema", (_where, object) => {
    expect(crdProblems(object)).toEqual([]);
  });

  // Shapes the loader accepts (early aliases, numbers where strings are stored, open blocks): the API
  // server must accept them too.
  const accepted: Array<[string, { kind: string }]> = [
    ["early facade/session/providerRef", agentRuntime("a", { facades: undefined, providers: undefined, facade: { port: 9090 }, session: { ttl: "1h" }, providerRef: { name: "mock" } })],
    ["reference-only blocks kept open", agentRuntime("a", { evals: { enabled: true }, rollout: { candidate: { promptPackRef: { name: "next" } }, steps: [{ setWeight: 10 }], trigger: { promptPackChannel: "beta" } }, runtime: { resources: { requests: { cpu: "500m", memory: 1 } } } })],
    ["prices as numbers", provider("p", { type: "claude", pricing: { inputCostPer1K: 0.003, outputCostPer1K: "0.015" } })],
    ["legacy top-level secretRef", provider("p", { type: "openai", secretRef: { name: "keys" } })],
    ["retry codes as numbers or strings", { ...toolRegistry(), spec: { handlers: [{ name: "h", type: "http", tool: { name: "h", description: "d", inputSchema: {} }, httpConfig: { endpoint: "http://x", retryPolicy: { retryOn: [503, "5xx"] } } }] } }],
    ["a workspace", workspace({ environment: "staging", costControls: { alertThresholds: [50, { percent: 80 }] } })],
  ];

  it.each(accepted)("%s: accepted by the loader and the CRD", (_name, object) => {
    expect(loaderProblems(object)).toEqual([]);
    expect(crdProblems(object)).toEqual([]);
  });

  const rejected: Array<[string, { kind: string }]> = [
    ["a port written as a string", agentRuntime("a", { facades: [{ port: "8080" }] })],
    ["a port out of range", agentRuntime("a", { facades: [{ port: 70000 }] })],
    ["no promptPackRef", agentRuntime("a", { promptPackRef: undefined })],
    ["facade and facades together", agentRuntime("a", { facade: { port: 1 } })],
    ["a misspelled spec field", agentRuntime("a", { toolRegistry: { name: "t" } })],
    ["a reference that is not a DNS name", agentRuntime("a", { toolRegistryRef: { name: "My_Tools" } })],
    ["an unknown provider type", provider("p", { type: "gpt" })],
    ["an unsupported pack source", { ...promptPack(), spec: { packName: "p", version: "1", source: { type: "git", configMapRef: { name: "c" } } } }],
    ["a registry without handlers", { ...toolRegistry(), spec: { handlers: [] } }],
    ["a workspace without a namespace", workspace({ namespace: undefined })],
    ["a workspace with removed quotas", workspace({ quotas: { cpu: "4" } })],
  ];

  it.each(rejected)("%s: rejected by the loader and the CRD", (_name, object) => {
    expect(loaderProblems(object)).not.toEqual([]);
    expect(crdProblems(object)).not.toEqual([]);
  });
});
