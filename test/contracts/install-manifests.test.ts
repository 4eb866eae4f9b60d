// The installation: deploy/install (kustomize), the Helm chart in deploy/helm/omnia and the
// Dockerfile. Every install object passes the official Kubernetes schemas; the operator's RBAC grants
// exactly what it needs for the objects it renders (derived by rendering deploy/examples through
// `desired`) and for the CRDs in deploy/crds, and nothing else cluster-wide; the chart agrees with
// deploy/install. There is no helm binary here, so the chart is never rendered by helm in these tests:
// its directive-free parts (RBAC rules, CRDs, values) are compared as YAML, and its templates go
// through a stand-in for the few directives they use. The image's roles run entries that exist, and
// those entries need no devDependency at run time.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { Deployment } from "kubernetes-models/apps/v1";
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { Namespace, ServiceAccount } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments, stringify } from "yaml";
import { REPO_ROOT } from "../../deploy/local/child-process.js";
import { desired } from "../../operator/agent-runtime/desired.js";
import { loadManifestTexts } from "../../shared/manifests/load-manifests.js";
import { resolveAgents } from "../../shared/manifests/resolve-agent.js";

const INSTALL = join(REPO_ROOT, "deploy/install");
const CHART = join(REPO_ROOT, "deploy/helm/omnia");
const CRDS = join(REPO_ROOT, "deploy/crds");
const EXAMPLES = join(REPO_ROOT, "deploy/examples");
const NAMESPACE = "omnia-system";
const WRITE_VERBS = ["create", "get", "list", "watch", "patch", "update", "delete"];

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}
interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const read = (path: string) => readFileSync(path, "utf8");
const yamlFiles = (dir: string) => readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as unknown).filter((d): d is K8sObject => d !== null);

// The constructors take their typed shape; validate() checks the data against the schema at runtime.
type Validator = (object: unknown) => void;
const asArg = <T extends abstract new (arg: never) => unknown>(o: unknown) => o as ConstructorParameters<T>[0];
const VALIDATORS: Record<string, Validator> = {
  "v1/Namespace": (o) => new Namespace(asArg<typeof Namespace>(o)).validate(),
  "v1/ServiceAccount": (o) => new ServiceAccount(asArg<typeof ServiceAccount>(o)).validate(),
  "rbac.authorization.k8s.io/v1/ClusterRole": (o) => new ClusterRole(asArg<typeof ClusterRole>(o)).validate(),
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": (o) => new ClusterRoleBinding(asArg<typeof ClusterRoleBinding>(o)).validate(),
  "rbac.authorization.k8s.io/v1/Role": (o) => new Role(asArg<typeof Role>(o)).validate(),
  "rbac.authorization.k8s.io/v1/RoleBinding": (o) => new RoleBinding(asArg<typeof RoleBinding>(o)).validate(),
  "apps/v1/Deployment": (o) => new Deployment(asArg<typeof Deployment>(o)).validate(),
};

const kustomization = parse(read(join(INSTALL, "kustomization.yaml"))) as { resources: string[] };
const installFiles = kustomization.resources.filter((r) => r !== "../crds");
const installed = installFiles.flatMap((file) => docs(read(join(INSTALL, file))).map((object) => ({ file, object })));
const one = (kind: string) => {
  const found = installed.filter((i) => i.object.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!.object;
};

/** "group/resource" -> verbs, from rules; throws on anything a least-privilege role must not use. */
function grants(rules: PolicyRule[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const rule of rules) {
    expect(rule.nonResourceURLs, "no non-resource URLs").toBeUndefined();
    expect(rule.resourceNames, "no resourceNames (not used)").toBeUndefined();
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        expect([group, resource, ...rule.verbs]).not.toContain("*");
        const key = `${group}/${resource}`;
        const verbs = out.get(key) ?? new Set<string>();
        for (const verb of rule.verbs) verbs.add(verb);
        out.set(key, verbs);
      }
    }
  }
  return out;
}
/** "group/resource" of a rendered object: the lower-case plural of its kind (Ingress: ingresses). */
const resourceKey = (object: K8sObject) => {
  const group = object.apiVersion.includes("/") ? object.apiVersion.split("/")[0]! : "";
  const kind = object.kind.toLowerCase();
  return `${group}/${kind.endsWith("s") ? `${kind}es` : `${kind}s`}`;
};
const asObject = (m: Map<string, Set<string>>) => Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]).sort());

/** Every object the operator renders for the examples, and for variants that turn on each optional object. */
function renderedObjects(): K8sObject[] {
  const files = yamlFiles(EXAMPLES).map((f) => ({ file: f, text: read(join(EXAMPLES, f)) }));
  const withAgent = (change: (spec: Record<string, unknown>) => void) =>
    files.map(({ file, text }) => {
      const objects = docs(text).map((o) => {
        if (o.kind !== "AgentRuntime") return o;
        const copy = structuredClone(o) as K8sObject & { spec: Record<string, unknown> };
        change(copy.spec);
        return copy;
      });
      return { file, text: objects.map((o) => stringify(o)).join("---\n") };
    });
  const variants = [
    files,
    withAgent((spec) => {
      spec.runtime = { ...(spec.runtime as object), autoscaling: { enabled: true, type: "hpa", minReplicas: 1, maxReplicas: 3 } };
    }),
    withAgent((spec) => {
      spec.runtime = { ...(spec.runtime as object), autoscaling: { enabled: true, type: "keda", minReplicas: 0, maxReplicas: 3 } };
    }),
    withAgent((spec) => {
      spec.facades = [...(spec.facades as object[]), { type: "websocket", placement: "edge" }];
      spec.externalAuth = { clientKeys: { secretRef: { name: "install-test-keys" } } };
    }),
    withAgent((spec) => {
      spec.facades = [...(spec.facades as object[]), { type: "websocket", placement: "edge", expose: { enabled: true, host: "bridge.example.com" } }];
      spec.externalAuth = { clientKeys: { secretRef: { name: "install-test-keys" } } };
    }),
  ];
  return variants.flatMap((variant) =>
    resolveAgents(loadManifestTexts(variant)).flatMap((resolved) => desired({ resolved, bridgeToken: "install-test-token" }) as unknown as K8sObject[]),
  );
}

const crds = yamlFiles(CRDS).flatMap((f) => docs(read(join(CRDS, f)))).filter((o) => o.kind === "CustomResourceDefinition") as Array<
  K8sObject & { spec: { group: string; names: { plural: string } } }
>;

describe("deploy/install", () => {
  it("the kustomization lists the CRDs and every manifest in deploy/install", () => {
    expect(kustomization.resources).toContain("../crds");
    expect([...installFiles].sort()).toEqual(yamlFiles(INSTALL).filter((f) => f !== "kustomization.yaml"));
  });

  it.runIf(existsSync(join(CRDS, "kustomization.yaml")))("deploy/crds is a kustomization of every CRD file", () => {
    const crdKustomization = parse(read(join(CRDS, "kustomization.yaml"))) as { resources: string[] };
    expect([...crdKustomization.resources].sort()).toEqual(yamlFiles(CRDS).filter((f) => f !== "kustomization.yaml"));
  });

  it.each(installed.map((i) => [`${i.file}: ${i.object.kind} ${i.object.metadata.name}`, i.object] as const))(
    "%s passes the Kubernetes schema",
    (_, object) => {
      const validate = VALIDATORS[`${object.apiVersion}/${object.kind}`];
      if (!validate) throw new Error(`no schema for ${object.apiVersion}/${object.kind}`);
      validate(object);
    },
  );

  it("everything namespaced is in omnia-system", () => {
    expect(one("Namespace").metadata.name).toBe(NAMESPACE);
    for (const { object } of installed) {
      if (["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(object.kind)) expect(object.metadata.namespace).toBeUndefined();
      else expect(object.metadata.namespace, `${object.kind} ${object.metadata.name}`).toBe(NAMESPACE);
    }
  });

  it("the ClusterRole covers every kind the operator renders for an AgentRuntime, with the verbs apply and prune use", () => {
    const granted = grants((one("ClusterRole") as unknown as { rules: PolicyRule[] }).rules);
    const rendered = renderedObjects();
    const kinds = new Set(rendered.map((o) => `${o.apiVersion}/${o.kind}`));
    // Each optional object appears in some variant: if one stops appearing, the coverage check weakens.
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        "apps/v1/Deployment",
        "autoscaling/v2/HorizontalPodAutoscaler",
        "keda.sh/v1alpha1/ScaledObject",
        "networking.k8s.io/v1/Ingress",
        "v1/ConfigMap",
        "v1/Secret",
        "v1/Service",
      ]),
    );
    for (const object of rendered) {
      const key = resourceKey(object);
      expect([...(granted.get(key) ?? [])].sort(), key).toEqual([...WRITE_VERBS].sort());
    }
  });

  it("the ClusterRole grants nothing beyond rendered kinds, reading the CRDs, writing their status, the AgentRuntime finalizer, and creating events", () => {
    const rendered = renderedObjects();
    const expected = new Map<string, Set<string>>();
    for (const object of rendered) expected.set(resourceKey(object), new Set(WRITE_VERBS));
    expect(crds.map((c) => c.spec.names.plural).sort()).toEqual(["agentruntimes", "promptpacks", "providers", "toolregistries", "workspaces"]);
    for (const crd of crds) {
      expected.set(`${crd.spec.group}/${crd.spec.names.plural}`, new Set(["get", "list", "watch"]));
      expected.set(`${crd.spec.group}/${crd.spec.names.plural}/status`, new Set(["patch", "update"]));
    }
    // The finalizer (added and removed by merge patch), and blockOwnerDeletion on what agents own.
    expected.set("omnia.altairalabs.ai/agentruntimes", new Set(["get", "list", "watch", "patch"]));
    expected.set("omnia.altairalabs.ai/agentruntimes/finalizers", new Set(["update"]));
    expected.set("/events", new Set(["create"]));
    expect(asObject(grants((one("ClusterRole") as unknown as { rules: PolicyRule[] }).rules))).toEqual(asObject(expected));
  });

  it("Leases only through a Role in the operator's namespace, bound to the operator's ServiceAccount", () => {
    const role = one("Role") as unknown as K8sObject & { rules: PolicyRule[] };
    expect(role.metadata.namespace).toBe(NAMESPACE);
    expect(asObject(grants(role.rules))).toEqual({ "coordination.k8s.io/leases": ["create", "get", "update"] });
    const serviceAccount = one("ServiceAccount");
    const subject = { kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: NAMESPACE };
    const roleBinding = one("RoleBinding") as unknown as { roleRef: { kind: string; name: string }; subjects: unknown[] };
    expect(roleBinding.roleRef).toMatchObject({ kind: "Role", name: role.metadata.name });
    expect(roleBinding.subjects).toEqual([subject]);
    const clusterBinding = one("ClusterRoleBinding") as unknown as { roleRef: { kind: string; name: string }; subjects: unknown[] };
    expect(clusterBinding.roleRef).toMatchObject({ kind: "ClusterRole", name: one("ClusterRole").metadata.name });
    expect(clusterBinding.subjects).toEqual([subject]);
  });

  it("the operator Deployment runs the operator role as non-root on a read-only root filesystem, with resources and no probes", () => {
    const deployment = one("Deployment") as unknown as { spec: { template: { spec: Record<string, unknown> } } };
    const pod = deployment.spec.template.spec as {
      serviceAccountName: string;
      securityContext: { runAsNonRoot: boolean; runAsUser: number };
      containers: Array<Record<string, unknown>>;
    };
    expect(pod.serviceAccountName).toBe(one("ServiceAccount").metadata.name);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    const [container] = pod.containers;
    expect(pod.containers).toHaveLength(1);
    expect(container!.args).toEqual(["operator"]);
    expect(container!.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(container!.resources).toMatchObject({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } });
    // The operator serves no HTTP port (operator/main.ts): add probes here when it gets a health endpoint.
    expect(container!.ports).toBeUndefined();
    expect(container!.readinessProbe).toBeUndefined();
    expect(container!.livenessProbe).toBeUndefined();
  });
});

/**
 * Not helm: a stand-in for the handful of directives the chart's templates use, enough to check what
 * they produce. A directive it does not know fails the test, which keeps the templates this simple.
 */
function renderChartTemplate(text: string, values: Record<string, unknown>, chart: { name: string; version: string }): string {
  const lookup = (path: string): unknown => path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], values);
  const labels = `app.kubernetes.io/name: omnia-operator\napp.kubernetes.io/part-of: omnia\napp.kubernetes.io/managed-by: Helm\nhelm.sh/chart: ${chart.name}-${chart.version}`;
  const indent = (block: string, n: number) => "\n" + block.trimEnd().split("\n").map((l) => " ".repeat(n) + l).join("\n");
  let out = text.replace(/^\{\{- if \.Values\.(\w+) \}\}\n([\s\S]*?)\{\{- end \}\}\n?/gm, (_, key: string, body: string) => (lookup(key) ? body : ""));
  out = out.replace(/\s*\{\{- include "omnia\.labels" \. \| nindent (\d+) \}\}/g, (_, n: string) => indent(labels, Number(n)));
  out = out.replace(/\s*\{\{- toYaml \.Values\.([\w.]+) \| nindent (\d+) \}\}/g, (_, key: string, n: string) => indent(stringify(lookup(key)), Number(n)));
  out = out.replace(/\{\{ \.Values\.([\w.]+) \| quote \}\}/g, (_, key: string) => JSON.stringify(String(lookup(key))));
  out = out.replace(/\{\{ \.Values\.([\w.]+) \}\}/g, (_, key: string) => String(lookup(key)));
  expect(out, "a directive the stand-in renderer does not know").not.toContain("{{");
  return out;
}

/** An object without the labels Helm adds, to compare with its deploy/install twin. */
function withoutChartLabels(object: K8sObject): K8sObject {
  const copy = structuredClone(object);
  const strip = (labels?: Record<string, string>) => {
    delete labels?.["app.kubernetes.io/managed-by"];
    delete labels?.["helm.sh/chart"];
  };
  strip(copy.metadata.labels);
  strip((copy as { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } }).spec?.template?.metadata?.labels);
  return copy;
}

describe("deploy/helm/omnia (not rendered by helm: compared with deploy/install)", () => {
  const templates = join(CHART, "templates");
  /** The YAML from `rules:` on, which must hold no template directive. */
  const rulesOf = (file: string) => {
    const text = read(join(templates, file));
    const rules = text.slice(text.indexOf("\nrules:") + 1);
    expect(rules, `${file}: rules must be directive-free`).not.toContain("{{");
    return (parse(rules) as { rules: PolicyRule[] }).rules;
  };

  it("is a v2 chart named omnia", () => {
    expect(parse(read(join(CHART, "Chart.yaml")))).toMatchObject({ apiVersion: "v2", name: "omnia", type: "application" });
  });

  it("ships the same CRDs as deploy/crds, byte for byte", () => {
    const files = yamlFiles(CRDS).filter((f) => f !== "kustomization.yaml");
    expect(yamlFiles(join(CHART, "crds"))).toEqual(files);
    for (const file of files) expect(read(join(CHART, "crds", file)), file).toBe(read(join(CRDS, file)));
  });

  it("has a template for every manifest in deploy/install", () => {
    expect(yamlFiles(templates)).toEqual([...installFiles].sort());
  });

  it("has the same RBAC rules as deploy/install", () => {
    expect(rulesOf("cluster-role.yaml")).toEqual((one("ClusterRole") as unknown as { rules: PolicyRule[] }).rules);
    expect(rulesOf("leader-election-role.yaml")).toEqual((one("Role") as unknown as { rules: PolicyRule[] }).rules);
  });

  it("rendered with its default values (stand-in renderer), gives deploy/install's objects plus Helm's labels, each schema-valid", () => {
    const values = parse(read(join(CHART, "values.yaml"))) as Record<string, unknown>;
    const chart = parse(read(join(CHART, "Chart.yaml"))) as { name: string; version: string };
    for (const file of installFiles) {
      const [object, ...more] = docs(renderChartTemplate(read(join(templates, file)), values, chart));
      expect(more, file).toEqual([]);
      VALIDATORS[`${object!.apiVersion}/${object!.kind}`]!(object);
      const twin = installed.find((i) => i.file === file)!.object;
      expect(withoutChartLabels(object!), file).toEqual(twin);
    }
  });

  it("renders the namespace only when createNamespace is on, and takes the namespace, image and resources from values", () => {
    const values = parse(read(join(CHART, "values.yaml"))) as Record<string, unknown>;
    const chart = parse(read(join(CHART, "Chart.yaml"))) as { name: string; version: string };
    expect(docs(renderChartTemplate(read(join(templates, "namespace.yaml")), { ...values, createNamespace: false }, chart))).toEqual([]);
    const custom = { ...values, namespace: "agents-ops", image: { repository: "registry.example/omnia", tag: "1.2.3", pullPolicy: "Always" }, resources: { limits: { memory: "1Gi" } } };
    const [deployment] = docs(renderChartTemplate(read(join(templates, "deployment.yaml")), custom, chart)) as unknown as Array<
      K8sObject & { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } }
    >;
    expect(deployment!.metadata.namespace).toBe("agents-ops");
    expect(deployment!.spec.template.spec.containers[0]).toMatchObject({ image: "registry.example/omnia:1.2.3", imagePullPolicy: "Always", resources: { limits: { memory: "1Gi" } } });
  });

  it("defaults to what deploy/install installs: namespace, image, resources, replicas", () => {
    const values = parse(read(join(CHART, "values.yaml"))) as {
      namespace: string;
      image: { repository: string; tag: string; pullPolicy: string };
      replicas: number;
      resources: unknown;
    };
    const deployment = one("Deployment") as unknown as { spec: { replicas: number; template: { spec: { containers: Array<Record<string, unknown>> } } } };
    const container = deployment.spec.template.spec.containers[0]!;
    expect(values.namespace).toBe(NAMESPACE);
    expect(`${values.image.repository}:${values.image.tag}`).toBe(container.image);
    expect(values.image.pullPolicy).toBe(container.imagePullPolicy);
    expect(values.replicas).toBe(deployment.spec.replicas);
    expect(values.resources).toEqual(container.resources);
    const template = read(join(templates, "deployment.yaml"));
    for (const directive of ["{{ .Values.namespace }}", "{{ .Values.image.repository }}", "{{ .Values.replicas }}", "toYaml .Values.resources"]) {
      expect(template).toContain(directive);
    }
  });
});

describe("Dockerfile", () => {
  const dockerfile = read(join(REPO_ROOT, "Dockerfile"));
  const entrypoint = read(join(REPO_ROOT, "deploy/image/entrypoint.sh"));
  // `role) exec node … /app/dist/<entry>.js`
  const roles = new Map([...entrypoint.matchAll(/^\s*(\w+)\) exec node .*\/app\/dist\/(\S+)\.js/gm)].map((m) => [m[1]!, `${m[2]!}.ts`]));
  const bundled = /esbuild((?:\s+\\?\s*[\w/.-]+\.ts)+)/.exec(dockerfile)?.[1]?.split(/[\s\\]+/).filter(Boolean) ?? [];

  it("runs the operator, facade and runtime roles from entries that exist and are bundled", () => {
    expect([...roles.keys()].sort()).toEqual(["facade", "operator", "runtime"]);
    for (const [role, entry] of roles) {
      expect(existsSync(join(REPO_ROOT, entry)), `${role}: ${entry}`).toBe(true);
      expect(bundled, role).toContain(entry);
    }
    expect(dockerfile).toContain("COPY --chmod=0755 deploy/image/entrypoint.sh");
    const targets = [...dockerfile.matchAll(/^FROM omnia AS (\w+)\nCMD \["(\w+)"\]/gm)];
    expect(targets.map((t) => t[1]).sort()).toEqual(["facade", "operator", "runtime"]);
    for (const target of targets) {
      expect(target[1]).toBe(target[2]);
      expect(roles.has(target[2]!), target[2]).toBe(true);
    }
  });

  it("is node:24-slim, installs production dependencies only, runs as a numeric non-root user, has no HEALTHCHECK or secrets", () => {
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);
    expect(bases.filter((b) => b.includes(":"))).toEqual(expect.arrayContaining(["node:24-slim"]));
    expect(bases.filter((b) => b.includes(":") && b !== "node:24-slim")).toEqual([]);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const user = /^USER (\d+):(\d+)$/m.exec(dockerfile);
    expect(Number(user?.[1])).toBeGreaterThan(0);
    expect(dockerfile).not.toMatch(/^HEALTHCHECK/m);
    expect(dockerfile).not.toMatch(/^(ENV|ARG)\s+\S*(KEY|TOKEN|SECRET|PASSWORD)/im);
  });

  it("the .dockerignore keeps node_modules, .git, test output and local state out of the context", () => {
    const ignored = read(join(REPO_ROOT, ".dockerignore")).split("\n").map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(["node_modules", ".git", ".omnia", "coverage", "test-results"]));
  });

  it("the bundled entries import only Node built-ins and production dependencies (npm ci --omit=dev is enough)", async () => {
    const pkg = JSON.parse(read(join(REPO_ROOT, "package.json"))) as { dependencies: Record<string, string> };
    const result = await build({
      entryPoints: bundled.map((e) => join(REPO_ROOT, e)),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node24",
      packages: "external",
      write: false,
      outdir: "dist",
      metafile: true,
      logLevel: "silent",
    });
    const imports = new Set(Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
    const packageOf = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
    const needed = [...imports].filter((i) => !i.startsWith("node:")).map(packageOf);
    expect(needed.length).toBeGreaterThan(0);
    for (const name of new Set(needed)) expect(Object.keys(pkg.dependencies), name).toContain(name);
  });
});
