// Maps a request URL onto discovery documents or a resource (group, version, plural, namespace,
// name, subresource) and a Kubernetes verb, the way the API server's request-info resolver does.
import type { ResourceRegistry, ResourceType } from "./resources.js";
import { notFoundPath } from "./status.js";

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";

export type Route =
  | { kind: "discovery"; body: unknown }
  | { kind: "text"; body: string }
  | { kind: "resource"; type: ResourceType; namespace?: string; name?: string; subresource?: string; verb: Verb };

const VERSION = { major: "1", minor: "33", gitVersion: "v1.33.0-omnia-test", platform: "linux/amd64" };

function verbOf(method: string, name: string | undefined, watch: boolean): Verb | undefined {
  switch (method) {
    case "GET":
      return watch ? "watch" : name ? "get" : "list";
    case "POST":
      return name ? undefined : "create";
    case "PUT":
      return name ? "update" : undefined;
    case "PATCH":
      return name ? "patch" : undefined;
    case "DELETE":
      return name ? "delete" : "deletecollection";
    default:
      return undefined;
  }
}

/** Resolves a request; throws a 404 Status for paths nothing is served at. Undefined verb: 405. */
export function route(registry: ResourceRegistry, method: string, url: URL, serverAddress: string): Route | { kind: "method-not-allowed" } {
  const path = url.pathname.replace(/\/+$/, "") || "/";
  if (path === "/version") return { kind: "discovery", body: VERSION };
  if (["/healthz", "/livez", "/readyz"].includes(path)) return { kind: "text", body: "ok" };
  if (path === "/api") return { kind: "discovery", body: registry.coreVersions(serverAddress) };
  if (path === "/apis") return { kind: "discovery", body: registry.apiGroupList() };
  const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (seg[0] === "api") {
    group = "";
    version = seg[1];
    rest = seg.slice(2);
  } else if (seg[0] === "apis" && seg[1]) {
    group = seg[1];
    if (seg.length === 2) {
      const doc = registry.apiGroup(group);
      if (!doc) throw notFoundPath(path);
      return { kind: "discovery", body: doc };
    }
    version = seg[2];
    rest = seg.slice(3);
  } else throw notFoundPath(path);
  if (!version) throw notFoundPath(path);
  if (rest.length === 0) {
    const doc = registry.resourceList(group, version);
    if (!doc) throw notFoundPath(path);
    return { kind: "discovery", body: doc };
  }
  let watch = url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1";
  if (rest[0] === "watch") {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3 && registry.byPlural(group, version, rest[2]!)?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource] = rest;
  const type = plural ? registry.byPlural(group, version, plural) : undefined;
  if (!type || rest.length > 3) throw notFoundPath(path);
  if (type.namespaced && namespace === undefined && name !== undefined) throw notFoundPath(path);
  if (subresource !== undefined && !(subresource === "status" && type.statusSubresource)) throw notFoundPath(path);
  const verb = verbOf(method, name, watch);
  if (!verb || (verb === "create" && type.namespaced && namespace === undefined) || (subresource && !["get", "update", "patch"].includes(verb))) {
    return { kind: "method-not-allowed" };
  }
  const r: Route = { kind: "resource", type, verb };
  if (namespace !== undefined) r.namespace = namespace;
  if (name !== undefined) r.name = name;
  if (subresource !== undefined) r.subresource = subresource;
  return r;
}
