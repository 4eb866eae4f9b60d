// Test helper: checks an object against the official Kubernetes OpenAPI schemas (kubernetes-models;
// KEDA's from @kubernetes-models/keda),
// by apiVersion and kind, so every rendered manifest is one the API server would accept.
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import { ConfigMap, Secret, Service } from "kubernetes-models/v1";

type Validator = (object: unknown) => void;

// The constructors take their typed shape; validate() checks the data against the schema at runtime.
const VALIDATORS: Record<string, Validator> = {
  "apps/v1/Deployment": (o) => new Deployment(o as ConstructorParameters<typeof Deployment>[0]).validate(),
  "autoscaling/v2/HorizontalPodAutoscaler": (o) =>
    new HorizontalPodAutoscaler(o as ConstructorParameters<typeof HorizontalPodAutoscaler>[0]).validate(),
  "networking.k8s.io/v1/Ingress": (o) => new Ingress(o as ConstructorParameters<typeof Ingress>[0]).validate(),
  "keda.sh/v1alpha1/ScaledObject": (o) => new ScaledObject(o as ConstructorParameters<typeof ScaledObject>[0]).validate(),
  "v1/ConfigMap": (o) => new ConfigMap(o as ConstructorParameters<typeof ConfigMap>[0]).validate(),
  "v1/Secret": (o) => new Secret(o as ConstructorParameters<typeof Secret>[0]).validate(),
  "v1/Service": (o) => new Service(o as ConstructorParameters<typeof Service>[0]).validate(),
};

/** Throws the schema's error, or an Error for a kind this helper does not know. */
export function validateKubernetesObject(object: { apiVersion?: string; kind?: string }): void {
  const key = `${object.apiVersion}/${object.kind}`;
  const validate = VALIDATORS[key];
  if (!validate) throw new Error(`no Kubernetes schema for ${key}`);
  validate(object);
}
