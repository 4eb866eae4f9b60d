// The resource types the test server serves: a fixed set of built-in ones and any registered from
// a CustomResourceDefinition; and the discovery documents (`/api`, `/apis`, resource lists) that
// client-node's KubernetesObjectApi reads to map apiVersion+kind to a URL.
import type { KubeObject } from "./objects.js";

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  /** Served with a `/status` subresource: status and the rest are written separately. */
  statusSubresource: boolean;
  /** metadata.generation is set and bumped on changes outside metadata (and status). */
  generation: boolean;
  /** Built-in (accepts strategic merge patch) or from a CRD (415 for it, as the API server answers). */
  builtin: boolean;
  shortNames?: string[];
}

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function builtin(group: string, version: string, kind: string, plural: string, opts: Partial<ResourceType> = {}): ResourceType {
  return { group, version, kind, plural, singular: kind.toLowerCase(), namespaced: true, statusSubresource: false, generation: false, builtin: true, ...opts };
}

export const BUILTIN_TYPES: readonly ResourceType[] = [
  builtin("", "v1", "Namespace", "namespaces", { namespaced: false, statusSubresource: true, shortNames: ["ns"] }),
  builtin("", "v1", "ConfigMap", "configmaps", { shortNames: ["cm"] }),
  builtin("", "v1", "Secret", "secrets"),
  builtin("", "v1", "Service", "services", { statusSubresource: true, shortNames: ["svc"] }),
  builtin("", "v1", "ServiceAccount", "serviceaccounts", { shortNames: ["sa"] }),
  builtin("", "v1", "Pod", "pods", { statusSubresource: true, generation: true, shortNames: ["po"] }),
  builtin("", "v1", "Event", "events", { shortNames: ["ev"] }),
  builtin("apps", "v1", "Deployment", "deployments", { statusSubresource: true, generation: true, shortNames: ["deploy"] }),
  builtin("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", { statusSubresource: true, shortNames: ["hpa"] }),
  builtin("networking.k8s.io", "v1", "Ingress", "ingresses", { statusSubresource: true, shortNames: ["ing"] }),
  builtin("coordination.k8s.io", "v1", "Lease", "leases"),
  builtin("rbac.authorization.k8s.io", "v1", "Role", "roles"),
  builtin("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings"),
  builtin("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", { namespaced: false }),
  builtin("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", { namespaced: false }),
  builtin("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", {
    namespaced: false,
    statusSubresource: true,
    generation: true,
    shortNames: ["crd", "crds"],
  }),
];

export const apiVersionOf = (t: { group: string; version: string }) => (t.group ? `${t.group}/${t.version}` : t.version);

export class ResourceRegistry {
  private readonly types: ResourceType[] = [...BUILTIN_TYPES];

  all(): readonly ResourceType[] {
    return this.types;
  }

  byPlural(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.types.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
  }

  /** Every served version of one group+plural: they share storage (no conversion is done). */
  versionsOf(group: string, plural: string): ResourceType[] {
    return this.types.filter((t) => t.group === group && t.plural === plural);
  }

  /** Registers (or re-registers) the served versions of a CRD. */
  addCrd(crd: KubeObject): ResourceType[] {
    const added = typesFromCrd(crd);
    const first = added[0];
    if (first) this.removeCrd(first.group, first.plural);
    this.types.push(...added);
    return added;
  }

  removeCrd(group: string, plural: string): void {
    for (let i = this.types.length - 1; i >= 0; i--) {
      const t = this.types[i]!;
      if (!t.builtin && t.group === group && t.plural === plural) this.types.splice(i, 1);
    }
  }

  groupVersions(): { group: string; versions: string[] }[] {
    const out = new Map<string, string[]>();
    for (const t of this.types) {
      const versions = out.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      out.set(t.group, versions);
    }
    return [...out].map(([group, versions]) => ({ group, versions }));
  }

  /** `/api` */
  coreVersions(serverAddress: string) {
    return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }] };
  }

  /** `/apis/<group>` (or undefined when the group is not served) */
  apiGroup(group: string) {
    const entry = this.groupVersions().find((g) => g.group === group && group !== "");
    if (!entry) return undefined;
    const versions = entry.versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
    return { kind: "APIGroup", apiVersion: "v1", name: group, versions, preferredVersion: versions[0]! };
  }

  /** `/apis` */
  apiGroupList() {
    const groups = this.groupVersions()
      .filter((g) => g.group !== "")
      .map((g) => {
        const { kind: _k, apiVersion: _a, ...rest } = this.apiGroup(g.group)!;
        return rest;
      });
    return { kind: "APIGroupList", apiVersion: "v1", groups };
  }

  /** `/api/v1`, `/apis/<group>/<version>` (or undefined when not served) */
  resourceList(group: string, version: string) {
    const types = this.types.filter((t) => t.group === group && t.version === version);
    if (types.length === 0) return undefined;
    const resources = types.flatMap((t) => {
      const main: Record<string, unknown> = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: VERBS };
      if (t.shortNames?.length) main.shortNames = t.shortNames;
      if (!t.builtin) main.categories = ["all"];
      const status = { name: `${t.plural}/status`, singularName: "", namespaced: t.namespaced, kind: t.kind, verbs: ["get", "patch", "update"] };
      return t.statusSubresource ? [main, status] : [main];
    });
    return { kind: "APIResourceList", apiVersion: "v1", groupVersion: apiVersionOf({ group, version }), resources };
  }
}

function typesFromCrd(crd: KubeObject): ResourceType[] {
  const spec = (crd.spec ?? {}) as {
    group?: string;
    scope?: string;
    names?: { plural?: string; singular?: string; kind?: string; shortNames?: string[] };
    versions?: { name?: string; served?: boolean; subresources?: { status?: unknown } }[];
  };
  const { group, names } = spec;
  if (!group || !names?.plural || !names.kind) throw new Error("a CustomResourceDefinition needs spec.group, spec.names.plural and spec.names.kind");
  return (spec.versions ?? [])
    .filter((v) => v.served !== false && v.name)
    .map((v) => {
      const t: ResourceType = {
        group,
        version: v.name!,
        kind: names.kind!,
        plural: names.plural!,
        singular: names.singular ?? names.kind!.toLowerCase(),
        namespaced: spec.scope !== "Cluster",
        statusSubresource: v.subresources?.status !== undefined,
        generation: true,
        builtin: false,
      };
      if (names.shortNames?.length) t.shortNames = names.shortNames;
      return t;
    });
}
