// An in-process stand-in for the Kubernetes API server (none can be installed on these machines),
// for controller tests driven by the real @kubernetes/client-node: an HTTP server on 127.0.0.1
// (random port, no TLS, no auth) speaking the REST and watch wire format.
//
// What it serves:
// - discovery: `/api`, `/api/v1`, `/apis`, `/apis/<group>`, `/apis/<group>/<version>`, `/version`;
//   built-in types: core v1 Namespace, ConfigMap, Secret, Service, ServiceAccount, Pod, Event;
//   apps/v1 Deployment; autoscaling/v2 HorizontalPodAutoscaler; networking.k8s.io/v1 Ingress;
//   coordination.k8s.io/v1 Lease;
//   rbac.authorization.k8s.io/v1 Role(Binding), ClusterRole(Binding); apiextensions.k8s.io/v1
//   CustomResourceDefinition. Custom resources come from CRDs (created through the API or given
//   in `crds`), namespaced or cluster-scoped, every served version, `/status` when the version
//   declares it.
// - create (201; 409 AlreadyExists; generateName), get (404 NotFound), list (labelSelector,
//   fieldSelector on metadata.name/namespace, limit/continue; metadata.resourceVersion), update
//   (PUT; 409 Conflict when metadata.resourceVersion is stale; unconditional without one), patch
//   (merge, JSON patch; strategic merge on built-ins only, 415 for custom resources as the API
//   server answers), server-side apply (`application/apply-patch+yaml`, `fieldManager` required,
//   `force`; creates when absent), delete (preconditions, finalizers: deletionTimestamp is set and
//   the object stays until its finalizers are removed; propagationPolicy Background (default),
//   Foreground, Orphan), deletecollection.
// - uid, creationTimestamp, one cluster-wide increasing resourceVersion, metadata.generation (custom
//   resources, CRDs, Deployments, Pods) bumped on changes outside metadata and status only;
//   managedFields recorded for every write (Update for create/PUT/patch, Apply for apply).
// - `/status`: a status write keeps everything but status; a main-resource write keeps status (for
//   types with the subresource), and create drops status.
// - garbage collection by ownerReferences (uid), run in-process right after each write (as the
//   controller manager would, a moment later): see kube-test-server/gc.ts.
// - watch (`?watch=1` or `/watch/` paths; resourceVersion, allowWatchBookmarks, timeoutSeconds,
//   labelSelector, fieldSelector, sendInitialEvents): see kube-test-server/watch.ts. Headers are
//   flushed at once (client-node's Watch waits for them).
// - errors as `Status` objects (kind Status, apiVersion v1, status Failure, message, reason,
//   details, code) with the API server's wording: see kube-test-server/status.ts.
// - for tests: `state` to read and change objects directly (as another controller would, without
//   counting as API calls), `calls`/`countCalls` (every request, by verb), `failNext` (the next N
//   matching requests answer a 5xx Status), `closeWatches` (end or cut open watch streams),
//   `compact` (forget history so old resourceVersions get 410 Gone).
//
// Its limits (what a real API server does and this does not):
// - no authentication, authorization, admission (webhooks, quotas, limit ranges), defaulting or
//   validation beyond names: objects are stored as sent; CRD openAPIV3Schema is neither validated
//   nor used for pruning; no conversion between CRD versions (the stored object is served with the
//   requested apiVersion); no `scale` or other subresources but `status`; dryRun is ignored.
// - namespaces are not enforced (any namespace may be used without creating it) and deleting a
//   Namespace does not delete its contents; Pods are deleted at once (no grace period).
// - server-side apply: lists are atomic (no merge keys: a `containers` list is one field owned as
//   a whole), so conflicts and removals are per whole list; a manager's Update and Apply entries
//   do not conflict with each other; conflict messages omit the `at <time>` some versions add;
//   managedFields sent by clients are ignored on update (not used to reset ownership).
// - strategic merge patch is a JSON merge patch (lists replaced, no `$patch` directives).
// - list `resourceVersion`/`resourceVersionMatch` are accepted but the current state is always
//   served (never an older snapshot); `continue` tokens page over the current state.
// - status writes ignore metadata changes (labels, annotations, finalizers) sent with them.
// - the garbage collector's own writes do not update managedFields or count as API calls; it runs
//   right after each write (a microtask), so an object created with ownerReferences to a uid that
//   does not exist is collected at once (a real cluster does the same, a moment later).
// - BOOKMARKs are sent only every `bookmarkIntervalMs` or on `bookmarkWatches()`; JSON only (no
//   protobuf, no Table output, no HTTP/2), `pretty` is ignored. Without `fieldManager`, writes are
//   recorded under the User-Agent's first word, as the API server does (`kubernetes-client-javascript`
//   for client-node).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { KubeApi, type PropagationPolicy, type Reply } from "./kube-test-server/api.js";
import { collectGarbage } from "./kube-test-server/gc.js";
import { clone, isPlainObject, type KubeObject } from "./kube-test-server/objects.js";
import { ResourceRegistry, type ResourceType } from "./kube-test-server/resources.js";
import { route, type Verb } from "./kube-test-server/router.js";
import { badRequest, injectedFailure, internalError, methodNotAllowed, StatusError } from "./kube-test-server/status.js";
import { ObjectStore } from "./kube-test-server/store.js";
import { startWatch, type OpenWatch } from "./kube-test-server/watch.js";

export type { KubeObject } from "./kube-test-server/objects.js";
export type { KubeStatus } from "./kube-test-server/status.js";

export interface ApiCall {
  verb: Verb | "discovery";
  method: string;
  path: string;
  group?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** The patch content type, to tell apply from merge patch. */
  contentType?: string;
  /** The response status code (for a watch: 200 once its headers went out). */
  code: number;
}

export interface CallFilter {
  verb?: ApiCall["verb"];
  resource?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface FaultMatch {
  method?: string;
  verb?: Verb;
  /** A substring of, or a pattern for, the request path (without the query). */
  path?: string | RegExp;
}

export interface KubeTestServerOptions {
  /** CustomResourceDefinition objects to register before the first request. */
  crds?: KubeObject[];
  /** Changes kept for watches to resume from (older resourceVersions get 410). Default 1000. */
  historyLimit?: number;
  /** The first resourceVersion handed out. Default 1000. */
  firstResourceVersion?: number;
  /** BOOKMARK interval for watches that allow them; 0 sends none unless `bookmarkWatches()`. Default 0. */
  bookmarkIntervalMs?: number;
  /** Watch duration when the client gives no timeoutSeconds. Default 1800 (the API server's minimum). */
  watchTimeoutSeconds?: number;
  /** Run the garbage collector after each write. Default true. */
  garbageCollector?: boolean;
}

export interface KubeTestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** A KubeConfig for client-node pointing here (cluster, user and context named `test`). */
  kubeConfig(): KubeConfig;
  state: ClusterState;
  /** Every request so far, in order. */
  readonly calls: readonly ApiCall[];
  countCalls(filter?: CallFilter): number;
  resetCalls(): void;
  /** The next `count` requests matching `match` answer a Status with `code` (default 500). */
  failNext(count: number, match?: FaultMatch, fault?: { code?: number; message?: string }): void;
  /** Ends (or with `destroy`, cuts) the open watches, of one resource plural if given; returns how many. */
  closeWatches(opts?: { resource?: string; how?: "end" | "destroy" }): number;
  /** Open watch streams, of one resource plural if given. */
  openWatches(resource?: string): number;
  /** Sends a BOOKMARK on every open watch that allows them. */
  bookmarkWatches(): void;
  close(): Promise<void>;
}

/** Direct access to the stored objects, bypassing HTTP (not counted as API calls). */
export interface ClusterState {
  readonly resourceVersion: number;
  get(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** Creates or overwrites an object (uid and creationTimestamp kept), as a write would. */
  put(obj: KubeObject): KubeObject;
  /** Changes an object in place; removing the last finalizer of a deleting object deletes it. */
  mutate(apiVersion: string, kind: string, name: string, namespace: string | undefined, change: (obj: KubeObject) => void): KubeObject;
  delete(apiVersion: string, kind: string, name: string, namespace?: string, policy?: PropagationPolicy): void;
  registerCrd(crd: KubeObject): void;
  /** Forgets the change history through `throughRv` (default: all), so older watches get 410. */
  compact(throughRv?: number): void;
  collectGarbage(): void;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`);
  }
}

/** The API server's default field manager: the User-Agent up to its first `/`. */
const managerFrom = (req: IncomingMessage, query: URLSearchParams) => query.get("fieldManager") ?? (req.headers["user-agent"] ?? "unknown").split("/")[0]!;

export async function startKubeTestServer(options: KubeTestServerOptions = {}): Promise<KubeTestServer> {
  const registry = new ResourceRegistry();
  const store = new ObjectStore(options.historyLimit ?? 1000, options.firstResourceVersion ?? 1000);
  let gcScheduled = false;
  const api: KubeApi = new KubeApi(registry, store, () => {
    if (options.garbageCollector === false || gcScheduled) return;
    gcScheduled = true;
    queueMicrotask(() => {
      gcScheduled = false;
      collectGarbage(api);
    });
  });
  const crdType = registry.byKind("apiextensions.k8s.io/v1", "CustomResourceDefinition")!;
  for (const crd of options.crds ?? []) api.create(crdType, undefined, crd, { manager: "kubectl" });

  const calls: ApiCall[] = [];
  const faults: { left: number; match: FaultMatch; code: number; message: string }[] = [];
  const watches = new Set<OpenWatch>();
  const watchOptions = { bookmarkIntervalMs: options.bookmarkIntervalMs ?? 0, defaultTimeoutSeconds: options.watchTimeoutSeconds ?? 1800 };
  let serverAddress = "127.0.0.1:0";

  async function handle(req: IncomingMessage, res: ServerResponse, call: ApiCall): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const r = route(registry, method, url, serverAddress);
    if (r.kind === "method-not-allowed") throw methodNotAllowed(method);
    if (r.kind === "text") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(r.body);
      return;
    }
    if (r.kind === "discovery") return sendJson(res, 200, r.body);
    Object.assign(call, { verb: r.verb, group: r.type.group, resource: r.type.plural });
    for (const k of ["namespace", "name", "subresource"] as const) if (r[k] !== undefined) call[k] = r[k];
    const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim();
    if (r.verb === "patch") call.contentType = contentType;
    const fault = faults.find((f) => f.left > 0 && matchesFault(f.match, method, r.verb, url.pathname));
    if (fault) {
      fault.left--;
      throw injectedFailure(fault.code, fault.message);
    }
    const body = await readBody(req);
    const ctx = { manager: managerFrom(req, url.searchParams) };
    const { type, namespace, name, subresource } = r;
    let reply: Reply;
    switch (r.verb) {
      case "get":
        reply = { code: 200, body: api.get(type, namespace, name!) };
        break;
      case "list":
        reply = api.list(type, namespace, url.searchParams);
        break;
      case "watch": {
        const w = startWatch(res, store, type, namespace, url.searchParams, watchOptions, (closed) => watches.delete(closed));
        if (!res.writableEnded) watches.add(w);
        return;
      }
      case "create":
        reply = api.create(type, namespace, parseJson(body), ctx);
        break;
      case "update":
        reply = api.update(type, namespace, name!, parseJson(body), subresource, ctx);
        break;
      case "patch":
        reply = api.patch(type, namespace, name!, contentType, body, subresource, url.searchParams, ctx);
        break;
      case "delete":
        reply = api.delete(type, namespace, name!, deleteOptions(parseJson(body), url.searchParams));
        break;
      case "deletecollection":
        reply = deleteCollection(type, namespace, url.searchParams, deleteOptions(parseJson(body), url.searchParams));
        break;
    }
    sendJson(res, reply.code, reply.body);
  }

  function deleteCollection(type: ResourceType, namespace: string | undefined, query: URLSearchParams, opts: ReturnType<typeof deleteOptions>): Reply {
    const listed = api.list(type, namespace, query).body as { items: KubeObject[] };
    const gone = listed.items.map((o) => api.delete(type, o.metadata.namespace, o.metadata.name!, { propagationPolicy: opts.propagationPolicy ?? "Background" }));
    return { code: 200, body: { ...listed, items: gone.map((g) => g.body) } };
  }

  const server = createServer((req, res) => {
    const call: ApiCall = { verb: "discovery", method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0]!, code: 200 };
    calls.push(call);
    res.on("finish", () => (call.code = res.statusCode));
    handle(req, res, call).catch((err: unknown) => {
      const status = err instanceof StatusError ? err : internalError(err instanceof Error ? err.message : String(err));
      if (res.headersSent) res.end();
      else sendJson(res, status.code, status.status);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  serverAddress = `127.0.0.1:${port}`;
  const url = `http://${serverAddress}`;

  const typeOf = (apiVersion: string, kind: string) => {
    const t = registry.byKind(apiVersion, kind);
    if (!t) throw new Error(`the test server does not serve ${apiVersion} ${kind}`);
    return t;
  };
  const state: ClusterState = {
    get resourceVersion() {
      return store.resourceVersion;
    },
    get(apiVersion, kind, name, namespace) {
      const t = typeOf(apiVersion, kind);
      const o = store.get(t.group, t.plural, t.namespaced ? namespace : undefined, name);
      return o && clone(o);
    },
    list(apiVersion, kind, namespace) {
      const t = typeOf(apiVersion, kind);
      return store.list(t.group, t.plural, namespace).map(clone);
    },
    put(obj) {
      const t = typeOf(obj.apiVersion ?? "v1", obj.kind ?? "");
      const ns = t.namespaced ? (obj.metadata.namespace ?? "default") : undefined;
      const current = store.get(t.group, t.plural, ns, obj.metadata.name ?? "");
      const next = clone(obj);
      if (ns) next.metadata.namespace = ns;
      if (!current) return clone(api.insert(t, next, "test"));
      Object.assign(next.metadata, { uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp });
      return clone(api.commitUpdate(t, next));
    },
    mutate(apiVersion, kind, name, namespace, change) {
      const t = typeOf(apiVersion, kind);
      const current = store.get(t.group, t.plural, t.namespaced ? namespace : undefined, name);
      if (!current) throw new Error(`${t.plural} ${namespace ?? ""}/${name} does not exist`);
      const next = clone(current);
      change(next);
      return clone(api.commitUpdate(t, next));
    },
    delete(apiVersion, kind, name, namespace, policy = "Background") {
      const t = typeOf(apiVersion, kind);
      api.delete(t, t.namespaced ? namespace : undefined, name, { propagationPolicy: policy });
    },
    registerCrd(crd) {
      api.create(crdType, undefined, crd, { manager: "kubectl" });
    },
    compact(throughRv) {
      store.compact(throughRv);
    },
    collectGarbage() {
      collectGarbage(api);
    },
  };

  return {
    url,
    port,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: "test", server: url, skipTLSVerify: true }],
        users: [{ name: "test" }],
        contexts: [{ name: "test", cluster: "test", user: "test", namespace: "default" }],
        currentContext: "test",
      });
      return kc;
    },
    state,
    calls,
    countCalls(filter = {}) {
      return calls.filter((c) => Object.entries(filter).every(([k, v]) => v === undefined || c[k as keyof ApiCall] === v)).length;
    },
    resetCalls() {
      calls.length = 0;
    },
    failNext(count, match = {}, fault = {}) {
      faults.push({ left: count, match, code: fault.code ?? 500, message: fault.message ?? "injected by the test" });
    },
    closeWatches(opts = {}) {
      const chosen = [...watches].filter((w) => !opts.resource || w.type.plural === opts.resource);
      for (const w of chosen) w.close(opts.how ?? "end");
      return chosen.length;
    },
    openWatches(resource) {
      return [...watches].filter((w) => !resource || w.type.plural === resource).length;
    },
    bookmarkWatches() {
      for (const w of watches) w.bookmark();
    },
    async close() {
      for (const w of watches) w.close("destroy");
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function matchesFault(match: FaultMatch, method: string, verb: Verb, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method) return false;
  if (match.verb && match.verb !== verb) return false;
  if (typeof match.path === "string" && !path.includes(match.path)) return false;
  if (match.path instanceof RegExp && !match.path.test(path)) return false;
  return true;
}

/** DeleteOptions from the body (client-node sends one) and the query, the query winning. */
function deleteOptions(body: unknown, query: URLSearchParams): { propagationPolicy?: PropagationPolicy; preconditions?: { uid?: string; resourceVersion?: string } } {
  const out: { propagationPolicy?: PropagationPolicy; preconditions?: { uid?: string; resourceVersion?: string } } = {};
  const b = isPlainObject(body) ? body : {};
  const policy = query.get("propagationPolicy") ?? (typeof b.propagationPolicy === "string" ? b.propagationPolicy : undefined);
  const orphan = query.get("orphanDependents") ?? (typeof b.orphanDependents === "boolean" ? String(b.orphanDependents) : undefined);
  if (policy === "Background" || policy === "Foreground" || policy === "Orphan") out.propagationPolicy = policy;
  else if (orphan === "true") out.propagationPolicy = "Orphan";
  if (isPlainObject(b.preconditions)) out.preconditions = b.preconditions as { uid?: string; resourceVersion?: string };
  return out;
}
