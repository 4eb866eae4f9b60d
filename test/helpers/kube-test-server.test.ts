import {
  ApiException,
  ApiextensionsV1Api,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  makeInformer,
  NetworkingV1Api,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
  type V1ConfigMap,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually } from "./eventually.js";
import { startKubeTestServer, type KubeObject, type KubeTestServer } from "./kube-test-server.js";

const GROUP = "omnia.altairalabs.ai";
const VERSION = "v1alpha1";

const crd = (kind: string, plural: string, scope: "Namespaced" | "Cluster") => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `${plural}.${GROUP}` },
  spec: {
    group: GROUP,
    scope,
    names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
    versions: [{ name: VERSION, served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } }, subresources: { status: {} } }],
  },
});

let server: KubeTestServer;
let kc: KubeConfig;
let core: CoreV1Api;
let custom: CustomObjectsApi;
let objects: KubernetesObjectApi;
let ns = "";
let nsCounter = 0;

beforeAll(async () => {
  server = await startKubeTestServer({ crds: [crd("AgentRuntime", "agentruntimes", "Namespaced")] });
  kc = server.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
  objects = KubernetesObjectApi.makeApiClient(kc);
});
afterAll(async () => {
  await server?.close();
});
// Each test works in a namespace of its own (the server does not require namespaces to exist).
beforeEach(() => {
  ns = `t${++nsCounter}`;
});

/** The Status a client-node call failed with. */
async function statusOf(call: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ApiException) return JSON.parse(String(err.body)) as Record<string, unknown>;
    throw err;
  }
  throw new Error("the call succeeded");
}

const configMap = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>): V1ConfigMap => ({
  metadata: { name, namespace: ns, ...(labels ? { labels } : {}) },
  data,
});

describe("kube test server: discovery and CRUD", () => {
  it("serves discovery documents client-node's KubernetesObjectApi uses", async () => {
    const groups = (await (await fetch(`${server.url}/apis`)).json()) as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).toEqual(expect.arrayContaining(["apps", "autoscaling", "coordination.k8s.io", "apiextensions.k8s.io", GROUP]));
    const resources = (await (await fetch(`${server.url}/apis/${GROUP}/${VERSION}`)).json()) as { resources: { name: string; namespaced: boolean }[] };
    expect(resources.resources).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "agentruntimes", namespaced: true, kind: "AgentRuntime" }), expect.objectContaining({ name: "agentruntimes/status" })]),
    );
    const created = await objects.create({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: ns }, spec: { replicas: 1 } } as KubernetesObject);
    expect(created.metadata).toMatchObject({ name: "web", generation: 1, uid: expect.any(String), creationTimestamp: expect.any(Date) });
    expect((await objects.read({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: ns } })).metadata?.uid).toBe(created.metadata?.uid);
  });

  it("serves networking.k8s.io/v1 Ingresses: discovery, the typed client, label-selected lists, status apart", async () => {
    const resources = (await (await fetch(`${server.url}/apis/networking.k8s.io/v1`)).json()) as { resources: { name: string; kind: string; namespaced: boolean }[] };
    expect(resources.resources).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "ingresses", kind: "Ingress", namespaced: true }), expect.objectContaining({ name: "ingresses/status" })]),
    );
    const networking = kc.makeApiClient(NetworkingV1Api);
    const rule = (host: string) => ({ host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { name: "http" } } } }] } });
    await networking.createNamespacedIngress({ namespace: ns, body: { metadata: { name: "mine", namespace: ns, labels: { team: "a" } }, spec: { rules: [rule("a.example.com")] } } });
    await objects.create({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "theirs", namespace: ns }, spec: { rules: [rule("b.example.com")] } } as KubernetesObject);
    const listed = await networking.listIngressForAllNamespaces({ labelSelector: "team=a" });
    expect(listed.items.map((i) => i.metadata?.name)).toEqual(["mine"]);
    // What an ingress controller reports stays put when the spec is written again.
    server.state.mutate("networking.k8s.io/v1", "Ingress", "mine", ns, (o) => (o.status = { loadBalancer: { ingress: [{ ip: "10.0.0.1" }] } }));
    const read = await networking.readNamespacedIngress({ namespace: ns, name: "mine" });
    const replaced = await networking.replaceNamespacedIngress({ namespace: ns, name: "mine", body: { ...read, spec: { rules: [rule("c.example.com")] }, status: {} } });
    expect(replaced.spec?.rules?.[0]?.host).toBe("c.example.com");
    expect(replaced.status?.loadBalancer?.ingress).toEqual([{ ip: "10.0.0.1" }]);
    await networking.deleteNamespacedIngress({ namespace: ns, name: "theirs" });
    expect(server.state.get("networking.k8s.io/v1", "Ingress", "theirs", ns)).toBeUndefined();
  });

  it("creates, reads, replaces and deletes core objects with Kubernetes Status errors", async () => {
    const created = await core.createNamespacedConfigMap({ namespace: ns, body: configMap("a", { k: "1" }) });
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(await statusOf(core.createNamespacedConfigMap({ namespace: ns, body: configMap("a") }))).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'configmaps "a" already exists',
      reason: "AlreadyExists",
      details: { name: "a", kind: "configmaps" },
      code: 409,
    });
    expect(await statusOf(core.readNamespacedConfigMap({ namespace: ns, name: "missing" }))).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "NotFound",
      message: 'configmaps "missing" not found',
      details: { name: "missing", kind: "configmaps" },
      code: 404,
    });
    const updated = await core.replaceNamespacedConfigMap({ namespace: ns, name: "a", body: { ...created, data: { k: "2" } } });
    expect(Number(updated.metadata!.resourceVersion)).toBeGreaterThan(Number(created.metadata!.resourceVersion));
    // The same stale resourceVersion again: optimistic concurrency says no.
    expect(await statusOf(core.replaceNamespacedConfigMap({ namespace: ns, name: "a", body: { ...created, data: { k: "3" } } }))).toMatchObject({
      reason: "Conflict",
      code: 409,
      message: 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    });
    const deleted = (await core.deleteNamespacedConfigMap({ namespace: ns, name: "a" })) as unknown;
    expect(deleted).toMatchObject({ kind: "Status", status: "Success", details: { name: "a", kind: "configmaps", uid: created.metadata!.uid } });
    expect(server.state.get("v1", "ConfigMap", "a", ns)).toBeUndefined();
  });

  it("registers custom resources from CRDs created through the API, namespaced and cluster-scoped", async () => {
    await kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({ body: crd("Workspace", "workspaces", "Cluster") as never });
    const ws = (await custom.createClusterCustomObject({ group: GROUP, version: VERSION, plural: "workspaces", body: { apiVersion: `${GROUP}/${VERSION}`, kind: "Workspace", metadata: { name: "w1" }, spec: { a: 1 } } })) as KubeObject;
    expect(ws.metadata).toMatchObject({ name: "w1", generation: 1 });
    expect(ws.metadata.namespace).toBeUndefined();
    const rt = { apiVersion: `${GROUP}/${VERSION}`, kind: "AgentRuntime", metadata: { name: "r1" }, spec: { replicas: 1 } };
    await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "agentruntimes", body: rt });
    const got = (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "agentruntimes", name: "r1" })) as KubeObject;
    expect(got).toMatchObject({ kind: "AgentRuntime", metadata: { namespace: ns }, spec: { replicas: 1 } });
    const list = (await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: "agentruntimes" })) as { kind: string; items: KubeObject[] };
    expect(list.kind).toBe("AgentRuntimeList");
    expect(list.items.map((i) => i.kind)).toContain("AgentRuntime");
    expect(await statusOf(custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "agentruntimes", name: "nope" }))).toMatchObject({
      message: `agentruntimes.${GROUP} "nope" not found`,
      details: { name: "nope", group: GROUP, kind: "agentruntimes" },
    });
  });

  it("lists with label selectors and pages with limit/continue", async () => {
    for (const [name, tier] of [["a", "web"], ["b", "db"], ["c", "web"]] as const) await core.createNamespacedConfigMap({ namespace: ns, body: configMap(name, {}, { tier }) });
    const web = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: "tier=web" });
    expect(web.items.map((i) => i.metadata?.name)).toEqual(["a", "c"]);
    expect((await core.listNamespacedConfigMap({ namespace: ns, labelSelector: "tier in (db),tier!=web" })).items.map((i) => i.metadata?.name)).toEqual(["b"]);
    expect(web.metadata?.resourceVersion).toBe(String(server.state.resourceVersion));
    const page1 = await core.listNamespacedConfigMap({ namespace: ns, limit: 2 });
    const page2 = await core.listNamespacedConfigMap({ namespace: ns, limit: 2, _continue: page1.metadata!._continue! });
    expect([...page1.items, ...page2.items].map((i) => i.metadata?.name)).toEqual(["a", "b", "c"]);
  });
});

describe("kube test server: watch", () => {
  it("delivers ADDED, MODIFIED and DELETED in order from a list's resourceVersion", async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("before") });
    const listed = await core.listNamespacedConfigMap({ namespace: ns });
    const events: string[] = [];
    let done: unknown = "open";
    const ctrl = await new Watch(kc).watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: listed.metadata!.resourceVersion, allowWatchBookmarks: true },
      (type, obj: KubeObject) => events.push(`${type} ${obj.metadata?.name ?? ""}`),
      (err) => (done = err),
    );
    const created = await core.createNamespacedConfigMap({ namespace: ns, body: configMap("x") });
    await core.replaceNamespacedConfigMap({ namespace: ns, name: "x", body: { ...created, data: { k: "v" } } });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: "x" });
    server.bookmarkWatches();
    await eventually(async () => expect(events).toEqual(["ADDED x", "MODIFIED x", "DELETED x", "BOOKMARK "]));
    expect(done).toBe("open");
    ctrl.abort();
  });

  it("starts a watch without resourceVersion with the current objects, and follows objects in and out of its selector", async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("in", {}, { app: "agent" }) });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("out", {}, { app: "other" }) });
    const events: string[] = [];
    const ctrl = await new Watch(kc).watch(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: "app=agent" }, (type, obj: KubeObject) => events.push(`${type} ${obj.metadata.name}`), () => {});
    await eventually(async () => expect(events).toEqual(["ADDED in"]));
    server.state.mutate("v1", "ConfigMap", "out", ns, (o) => (o.metadata.labels = { app: "agent" }));
    server.state.mutate("v1", "ConfigMap", "in", ns, (o) => (o.metadata.labels = { app: "other" }));
    await eventually(async () => expect(events).toEqual(["ADDED in", "ADDED out", "DELETED in"]));
    ctrl.abort();
  });

  it("answers a watch from a compacted resourceVersion with an ERROR event carrying 410 Expired", async () => {
    const old = server.state.resourceVersion;
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("y") });
    server.state.compact();
    const events: { type: string; obj: Record<string, unknown> }[] = [];
    const ended = new Promise((resolve) => {
      void new Watch(kc).watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: String(old) }, (type, obj) => events.push({ type, obj }), resolve);
    });
    expect(await ended).toBeNull();
    expect(events).toEqual([
      { type: "ERROR", obj: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `too old resource version: ${old} (${server.state.resourceVersion})`, reason: "Expired", code: 410 } },
    ]);
  });

  it("feeds an informer that relists after 410 and reconnects after the server closes its watch", async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("one") });
    const informer = makeInformer(kc, `/api/v1/namespaces/${ns}/configmaps`, () => core.listNamespacedConfigMap({ namespace: ns }));
    const seen: string[] = [];
    informer.on("add", (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on("update", (o) => seen.push(`update ${o.metadata?.name}`));
    informer.on("delete", (o) => seen.push(`delete ${o.metadata?.name}`));
    await informer.start();
    await eventually(async () => expect(server.openWatches("configmaps")).toBe(1));
    const two = await core.createNamespacedConfigMap({ namespace: ns, body: configMap("two") });
    await core.replaceNamespacedConfigMap({ namespace: ns, name: "two", body: { ...two, data: { a: "b" } } });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: "one" });
    await eventually(async () => expect(seen).toEqual(["add one", "add two", "update two", "delete one"]));

    // The watch ends, a change happens before the informer is back, and the history is compacted:
    // the informer resumes from a resourceVersion that is gone, gets 410 and relists.
    const listsBefore = server.countCalls({ verb: "list", resource: "configmaps", namespace: ns });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("three") });
    await eventually(async () => expect(seen).toContain("add three"));
    expect(server.closeWatches({ resource: "configmaps" })).toBe(1);
    server.state.mutate("v1", "ConfigMap", "three", ns, (o) => (o.data = { changed: "yes" }));
    server.state.compact();
    await eventually(async () => expect(server.countCalls({ verb: "list", resource: "configmaps", namespace: ns })).toBeGreaterThan(listsBefore), 15_000);
    expect(server.calls.filter((c) => c.namespace === ns && c.resource === "configmaps").map((c) => c.verb).slice(-3)).toEqual(["create", "watch", "list"]);
    await eventually(async () => expect(informer.get("three", ns)?.data).toEqual({ changed: "yes" }), 15_000);
    await informer.stop();
  });
});

describe("kube test server: patch, apply and status", () => {
  it("applies merge patches and server-side apply with field ownership", async () => {
    const spec = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: ns }, data: { a: "1", b: "2" } };
    const created = await objects.patch(spec, undefined, undefined, "omnia-operator", undefined, PatchStrategy.ServerSideApply);
    expect((created as KubeObject).metadata.managedFields).toEqual([expect.objectContaining({ manager: "omnia-operator", operation: "Apply", fieldsV1: { "f:data": { "f:a": {}, "f:b": {} } } })]);
    expect(server.countCalls({ verb: "patch", resource: "configmaps", name: "cfg" })).toBe(1);

    // Someone else changes a field the operator applied: the next apply conflicts unless forced.
    const merged = await objects.patch({ ...spec, data: { a: "human" } } as KubernetesObject, undefined, undefined, "kubectl-edit", undefined, PatchStrategy.MergePatch);
    expect((merged as V1ConfigMap).data).toEqual({ a: "human", b: "2" });
    const status = await statusOf(objects.patch(spec, undefined, undefined, "omnia-operator", undefined, PatchStrategy.ServerSideApply));
    expect(status).toMatchObject({
      reason: "Conflict",
      code: 409,
      message: 'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.a',
      details: { causes: [{ type: "FieldManagerConflict", field: ".data.a" }] },
    });
    const forced = (await objects.patch(spec, undefined, undefined, "omnia-operator", true, PatchStrategy.ServerSideApply)) as V1ConfigMap;
    expect(forced.data).toEqual({ a: "1", b: "2" });
    // Fields the applier stops sending are removed.
    const pruned = (await objects.patch({ ...spec, data: { a: "1" } } as KubernetesObject, undefined, undefined, "omnia-operator", undefined, PatchStrategy.ServerSideApply)) as V1ConfigMap;
    expect(pruned.data).toEqual({ a: "1" });
    // Re-applying the same thing changes nothing.
    const again = await objects.patch({ ...spec, data: { a: "1" } } as KubernetesObject, undefined, undefined, "omnia-operator", undefined, PatchStrategy.ServerSideApply);
    expect(again.metadata?.resourceVersion).toBe(pruned.metadata?.resourceVersion);
    expect(await statusOf(objects.patch(spec, undefined, undefined, undefined, undefined, PatchStrategy.ServerSideApply))).toMatchObject({ code: 400 });
  });

  it("refuses strategic merge patch on custom resources with 415, as the API server does", async () => {
    const rt = { apiVersion: `${GROUP}/${VERSION}`, kind: "AgentRuntime", metadata: { name: "smp", namespace: ns }, spec: {} };
    await objects.create(rt);
    expect(await statusOf(objects.patch(rt, undefined, undefined, undefined, undefined, PatchStrategy.StrategicMergePatch))).toMatchObject({ code: 415, reason: "UnsupportedMediaType" });
  });

  it("keeps status and spec writes apart and bumps generation on spec changes only", async () => {
    const base = { group: GROUP, version: VERSION, namespace: ns, plural: "agentruntimes" };
    const created = (await custom.createNamespacedCustomObject({ ...base, body: { apiVersion: `${GROUP}/${VERSION}`, kind: "AgentRuntime", metadata: { name: "s" }, spec: { replicas: 1 }, status: { phase: "ignored" } } })) as KubeObject;
    expect(created.status).toBeUndefined();
    const withStatus = (await custom.replaceNamespacedCustomObjectStatus({ ...base, name: "s", body: { ...created, spec: { replicas: 99 }, status: { phase: "Ready", observedGeneration: 1 } } })) as KubeObject;
    expect(withStatus).toMatchObject({ spec: { replicas: 1 }, status: { phase: "Ready" }, metadata: { generation: 1 } });
    const patched = (await custom.patchNamespacedCustomObject(
      { ...base, name: "s", body: { spec: { replicas: 2 }, status: { phase: "Lost" } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )) as KubeObject;
    expect(patched).toMatchObject({ spec: { replicas: 2 }, status: { phase: "Ready" }, metadata: { generation: 2 } });
    const relabelled = (await custom.patchNamespacedCustomObject({ ...base, name: "s", body: [{ op: "add", path: "/metadata/labels", value: { a: "b" } }] })) as KubeObject;
    expect(relabelled.metadata).toMatchObject({ generation: 2, labels: { a: "b" } });
    const statusApply = { apiVersion: `${GROUP}/${VERSION}`, kind: "AgentRuntime", metadata: { name: "s" }, status: { phase: "Ready", observedGeneration: 2 } };
    // The status update above was made by client-node's default manager (from its User-Agent),
    // which owns observedGeneration: applying another value conflicts, as it would in a cluster.
    expect(
      await statusOf(custom.patchNamespacedCustomObjectStatus({ ...base, name: "s", body: statusApply, fieldManager: "omnia-operator" }, setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply))),
    ).toMatchObject({ code: 409, message: 'Apply failed with 1 conflict: conflict with "kubernetes-client-javascript" using omnia.altairalabs.ai/v1alpha1: .status.observedGeneration' });
    const statusApplied = (await custom.patchNamespacedCustomObjectStatus(
      { ...base, name: "s", body: statusApply, fieldManager: "omnia-operator", force: true },
      setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
    )) as KubeObject;
    expect(statusApplied).toMatchObject({ metadata: { generation: 2 }, status: { observedGeneration: 2 } });
    expect((statusApplied.metadata as KubeObject["metadata"]).managedFields).toContainEqual(expect.objectContaining({ manager: "omnia-operator", operation: "Apply", subresource: "status" }));
  });
});

describe("kube test server: deletion", () => {
  const owned = (name: string, owner: KubeObject, block = false) =>
    ({
      metadata: { name, namespace: ns, ownerReferences: [{ apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: block }] },
    }) satisfies V1ConfigMap;

  const makeOwner = async (name: string, finalizers?: string[]) =>
    (await objects.create({ apiVersion: `${GROUP}/${VERSION}`, kind: "AgentRuntime", metadata: { name, namespace: ns, ...(finalizers ? { finalizers } : {}) } })) as KubeObject;

  it("collects dependents of a deleted owner, in the background by default", async () => {
    const owner = await makeOwner("owner");
    await core.createNamespacedConfigMap({ namespace: ns, body: owned("dep", owner) });
    await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace: ns, body: { ...owned("dep", owner), spec: { selector: {}, template: {} } } });
    await objects.delete({ apiVersion: `${GROUP}/${VERSION}`, kind: "AgentRuntime", metadata: { name: "owner", namespace: ns } });
    await eventually(async () => {
      expect(server.state.list("v1", "ConfigMap", ns)).toEqual([]);
      expect(server.state.list("apps/v1", "Deployment", ns)).toEqual([]);
    });
  });

  it("keeps an object with finalizers until they are removed", async () => {
    const owner = await makeOwner("fin", ["omnia.altairalabs.ai/cleanup"]);
    const answer = (await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "agentruntimes", name: "fin" })) as KubeObject;
    expect(answer.metadata).toMatchObject({ deletionTimestamp: expect.any(String), finalizers: ["omnia.altairalabs.ai/cleanup"], generation: 2 });
    const still = (await objects.read({ apiVersion: owner.apiVersion!, kind: owner.kind!, metadata: { name: "fin", namespace: ns } })) as KubeObject;
    const withFinalizers = (finalizers: string[]) => ({ ...still, metadata: { ...still.metadata, finalizers } }) as KubernetesObject;
    expect(await statusOf(objects.replace(withFinalizers(["omnia.altairalabs.ai/cleanup", "new"])))).toMatchObject({ code: 422, reason: "Invalid" });
    await objects.replace(withFinalizers([]));
    expect(await statusOf(objects.read({ apiVersion: owner.apiVersion!, kind: owner.kind!, metadata: { name: "fin", namespace: ns } }))).toMatchObject({ code: 404 });
  });

  it("deletes dependents first with Foreground and keeps them with Orphan", async () => {
    const fg = await makeOwner("fg");
    await core.createNamespacedConfigMap({ namespace: ns, body: { ...owned("fg-dep", fg, true), metadata: { ...owned("fg-dep", fg, true).metadata, finalizers: ["hold"] } } });
    await objects.delete({ apiVersion: fg.apiVersion!, kind: fg.kind!, metadata: { name: "fg", namespace: ns } }, undefined, undefined, undefined, undefined, "Foreground");
    await eventually(async () => expect(server.state.get("v1", "ConfigMap", "fg-dep", ns)?.metadata.deletionTimestamp).toBeDefined());
    expect(server.state.get(fg.apiVersion!, fg.kind!, "fg", ns)?.metadata.finalizers).toEqual(["foregroundDeletion"]);
    server.state.mutate("v1", "ConfigMap", "fg-dep", ns, (o) => delete o.metadata.finalizers);
    await eventually(async () => expect(server.state.get(fg.apiVersion!, fg.kind!, "fg", ns)).toBeUndefined());

    const orphaner = await makeOwner("orphaner");
    await core.createNamespacedConfigMap({ namespace: ns, body: owned("orphan", orphaner) });
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural: "agentruntimes", name: "orphaner", propagationPolicy: "Orphan" });
    await eventually(async () => expect(server.state.get(orphaner.apiVersion!, orphaner.kind!, "orphaner", ns)).toBeUndefined());
    expect(server.state.get("v1", "ConfigMap", "orphan", ns)?.metadata.ownerReferences).toBeUndefined();
  });
});

describe("kube test server: leases, call counts and faults", () => {
  it("serves Leases for leader election with optimistic concurrency", async () => {
    const leases = kc.makeApiClient(CoordinationV1Api);
    const lease = await leases.createNamespacedLease({ namespace: ns, body: { metadata: { name: "omnia-operator" }, spec: { holderIdentity: "a", leaseDurationSeconds: 15, acquireTime: new Date(), renewTime: new Date() } } });
    const renewed = await leases.replaceNamespacedLease({ namespace: ns, name: "omnia-operator", body: { ...lease, spec: { ...lease.spec, renewTime: new Date() } } });
    // A second candidate that read the lease before the renewal loses the race.
    expect(await statusOf(leases.replaceNamespacedLease({ namespace: ns, name: "omnia-operator", body: { ...lease, spec: { ...lease.spec, holderIdentity: "b" } } }))).toMatchObject({ code: 409, reason: "Conflict" });
    expect((await leases.readNamespacedLease({ namespace: ns, name: "omnia-operator" })).spec?.holderIdentity).toBe("a");
    expect(renewed.metadata?.resourceVersion).not.toBe(lease.metadata?.resourceVersion);
  });

  it("counts API calls by verb and injects failures", async () => {
    server.resetCalls();
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap("c") });
    await core.readNamespacedConfigMap({ namespace: ns, name: "c" });
    await core.listNamespacedConfigMap({ namespace: ns });
    expect([server.countCalls({ verb: "create" }), server.countCalls({ verb: "get", name: "c" }), server.countCalls({ verb: "list" })]).toEqual([1, 1, 1]);

    server.failNext(2, { verb: "get", path: `/namespaces/${ns}/configmaps/c` });
    expect(await statusOf(core.readNamespacedConfigMap({ namespace: ns, name: "c" }))).toMatchObject({ code: 500, reason: "InternalError" });
    expect(await statusOf(core.readNamespacedConfigMap({ namespace: ns, name: "c" }))).toMatchObject({ code: 500 });
    expect((await core.readNamespacedConfigMap({ namespace: ns, name: "c" })).metadata?.name).toBe("c");
    expect(server.calls.filter((c) => c.verb === "get" && c.name === "c").map((c) => c.code)).toEqual([200, 500, 500, 200]);

    server.failNext(1, { verb: "watch" }, { code: 503 });
    const failed = await new Promise<unknown>((resolve) => void new Watch(kc).watch(`/api/v1/namespaces/${ns}/configmaps`, {}, () => {}, resolve));
    expect(failed).toMatchObject({ statusCode: 503 });
  });

  it("ends watches at timeoutSeconds", async () => {
    const started = Date.now();
    const ended = await new Promise<unknown>((resolve) => void new Watch(kc).watch(`/api/v1/namespaces/${ns}/configmaps`, { timeoutSeconds: 1 }, () => {}, resolve));
    expect(ended).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
