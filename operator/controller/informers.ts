// One informer (list + watch, with a local cache) per kind the AgentRuntime controller reads. Owned
// kinds and Secrets are watched only when labelled as ours; ConfigMaps all (a PromptPack's content
// is in a user's ConfigMap).
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
  NetworkingV1Api,
  type ObjectCache,
} from "@kubernetes/client-node";
import { OMNIA_API_GROUP } from "../../shared/manifests/meta.js";
import { LABELS } from "../agent-runtime/constants.js";
import type { ClusterReader, WatchedKind } from "../reconcilers/cluster-reader.js";
import type { OwnerIndex } from "./owner-index.js";

export const MANAGED_SELECTOR = `${LABELS.managedBy}=omnia-operator`;
const VERSION = "v1alpha1";

export type KindInformer = Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
type List = Promise<KubernetesListObject<KubernetesObject>>;

export function makeInformers(kc: KubeConfig): Map<WatchedKind, KindInformer> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const autoscaling = kc.makeApiClient(AutoscalingV2Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const crd = (plural: string): [string, () => List] => [
    `/apis/${OMNIA_API_GROUP}/${VERSION}/${plural}`,
    () => custom.listClusterCustomObject({ group: OMNIA_API_GROUP, version: VERSION, plural }) as List,
  ];
  const labelSelector = MANAGED_SELECTOR;
  const specs: Array<[WatchedKind, string, () => List, string?]> = [
    ["AgentRuntime", ...crd("agentruntimes")],
    ["PromptPack", ...crd("promptpacks")],
    ["Provider", ...crd("providers")],
    ["ToolRegistry", ...crd("toolregistries")],
    ["ConfigMap", "/api/v1/configmaps", () => core.listConfigMapForAllNamespaces() as List],
    ["Secret", "/api/v1/secrets", () => core.listSecretForAllNamespaces({ labelSelector }) as List, labelSelector],
    ["Deployment", "/apis/apps/v1/deployments", () => apps.listDeploymentForAllNamespaces({ labelSelector }) as List, labelSelector],
    ["Service", "/api/v1/services", () => core.listServiceForAllNamespaces({ labelSelector }) as List, labelSelector],
    [
      "HorizontalPodAutoscaler",
      "/apis/autoscaling/v2/horizontalpodautoscalers",
      () => autoscaling.listHorizontalPodAutoscalerForAllNamespaces({ labelSelector }) as List,
      labelSelector,
    ],
    ["Ingress", "/apis/networking.k8s.io/v1/ingresses", () => networking.listIngressForAllNamespaces({ labelSelector }) as List, labelSelector],
  ];
  return new Map(specs.map(([kind, path, list, selector]) => [kind, makeInformer(kc, path, list, selector)]));
}

const API_VERSIONS: Record<WatchedKind, string> = {
  AgentRuntime: `${OMNIA_API_GROUP}/${VERSION}`,
  PromptPack: `${OMNIA_API_GROUP}/${VERSION}`,
  Provider: `${OMNIA_API_GROUP}/${VERSION}`,
  ToolRegistry: `${OMNIA_API_GROUP}/${VERSION}`,
  ConfigMap: "v1",
  Secret: "v1",
  Deployment: "apps/v1",
  Service: "v1",
  HorizontalPodAutoscaler: "autoscaling/v2",
  Ingress: "networking.k8s.io/v1",
};

/**
 * Reads the caches. Items of a list carry no apiVersion and kind: they are put back, once per cached
 * object, so the same cached object reads as the same object until the watch replaces it (what
 * parseClusterObject's memo keys on) and a list of thousands does not copy them all.
 */
export function cacheReader(informers: Map<WatchedKind, KindInformer>, owners: OwnerIndex): ClusterReader {
  const seen = new WeakMap<KubernetesObject, KubernetesObject>();
  const typed = (kind: WatchedKind, object: KubernetesObject): KubernetesObject => {
    let out = seen.get(object);
    if (!out) {
      out = { ...object, apiVersion: API_VERSIONS[kind], kind };
      seen.set(object, out);
    }
    return out;
  };
  return {
    get: (kind, namespace, name) => {
      const object = informers.get(kind)?.get(name, namespace);
      return object && typed(kind, object);
    },
    list: (kind, namespace) => (informers.get(kind)?.list(namespace) ?? []).map((o) => typed(kind, o)),
    ownedBy: (uid) =>
      owners.owned(uid).flatMap(({ kind, namespace, name }) => {
        const object = informers.get(kind)?.get(name, namespace);
        return object ? [typed(kind, object)] : [];
      }),
  };
}
