// The agent's Deployment: one pod with the facade container and the runtime container, the pack and
// tools ConfigMaps mounted into the runtime, probes on the health ports, and content hashes on the
// pod template so a changed pack, tools file, mock script or bridge token rolls the pods.
import type { V1Container, V1Deployment, V1EnvVar, V1Probe, V1Volume, V1VolumeMount, V1VolumeProjection } from "@kubernetes/client-node";
import { parseDuration } from "../../shared/config/duration.js";
import { renderToolsConfig } from "../../shared/manifests/tools-config.js";
import {
  bridgeTokenSecretName,
  FACADE_CONTAINER,
  HASH_ANNOTATIONS,
  NON_ROOT_UID,
  PATHS,
  PORT_NAMES,
  PORTS,
  RUNTIME_CONTAINER,
  toolsConfigMapName,
  VOLUMES,
} from "./constants.js";
import { contentHash } from "./content-hash.js";
import { facadeContainerEnv, runtimeContainerEnv } from "./container-env.js";
import { type AgentRuntimeInputs, edgeFacade, podFacade, requireBridgeToken } from "./inputs.js";
import { agentLabels, type NamedMeta, objectMeta } from "./metadata.js";
import { mediaPodParts } from "./media-pod.js";
import { CANARY_SUFFIX, splitReplicas, TRACK_LABEL } from "./rollout.js";
import { DEFAULT_SETTINGS } from "./settings.js";

export type DesiredDeployment = V1Deployment & { apiVersion: "apps/v1"; kind: "Deployment"; metadata: NamedMeta };

// Time to drain after SIGTERM (the facade's OMNIA_DRAIN_TIMEOUT, 30s by default) plus headroom.
const DRAIN_HEADROOM_SECONDS = 15;
const DEFAULT_DRAIN_SECONDS = 30;

function httpProbe(path: string, port: string, initialDelaySeconds: number, periodSeconds: number): V1Probe {
  return { httpGet: { path, port }, initialDelaySeconds, periodSeconds };
}

const containerSecurity = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
};

function facadeContainer(inputs: AgentRuntimeInputs): V1Container {
  const { resolved } = inputs;
  const settings = inputs.settings ?? DEFAULT_SETTINGS;
  const facade = podFacade(resolved);
  return {
    name: FACADE_CONTAINER,
    image: facade?.image ?? settings.images.facade,
    // Our image runs the role its first argument names; an image of the user's own is left as it is.
    ...(facade?.image === undefined ? { args: ["facade"] } : {}),
    imagePullPolicy: settings.imagePullPolicy,
    ports: [
      { name: PORT_NAMES.facade, containerPort: facade?.port ?? PORTS.facade, protocol: "TCP" },
      { name: PORT_NAMES.facadeHealth, containerPort: PORTS.facadeHealth, protocol: "TCP" },
    ],
    ...withMedia(resolved, facadeContainerEnv(resolved), [
      ...(authKeysSecret(resolved) ? [{ name: VOLUMES.authKeys, mountPath: PATHS.authKeysDir, readOnly: true }] : []),
    ]),
    readinessProbe: httpProbe("/readyz", PORT_NAMES.facadeHealth, 5, 10),
    livenessProbe: httpProbe("/healthz", PORT_NAMES.facadeHealth, 15, 20),
    securityContext: containerSecurity,
  };
}

function runtimeContainer(inputs: AgentRuntimeInputs, edge: boolean): V1Container {
  const { resolved } = inputs;
  const settings = inputs.settings ?? DEFAULT_SETTINGS;
  const { runtime, framework } = resolved.agent.spec;
  const mounts: V1VolumeMount[] = [
    { name: VOLUMES.pack, mountPath: PATHS.packDir, readOnly: true },
    { name: VOLUMES.tools, mountPath: PATHS.toolsDir, readOnly: true },
    ...(edge ? [{ name: VOLUMES.bridgeToken, mountPath: PATHS.bridgeTokenDir, readOnly: true }] : []),
    ...(toolSecretSources(resolved).length > 0 ? [{ name: VOLUMES.toolSecrets, mountPath: PATHS.toolSecretsDir, readOnly: true }] : []),
    ...runtime.volumeMounts.map((m) => ({ ...m }) as V1VolumeMount),
  ];
  return {
    name: RUNTIME_CONTAINER,
    image: framework?.image ?? settings.images.runtime,
    ...(framework?.image === undefined ? { args: ["runtime"] } : {}),
    imagePullPolicy: settings.imagePullPolicy,
    ports: [
      { name: PORT_NAMES.grpc, containerPort: PORTS.grpc, protocol: "TCP" },
      { name: PORT_NAMES.runtimeHealth, containerPort: PORTS.runtimeHealth, protocol: "TCP" },
      ...(edge ? [{ name: PORT_NAMES.grpcWeb, containerPort: PORTS.grpcWeb, protocol: "TCP" }] : []),
    ],
    ...withMedia(resolved, runtimeContainerEnv(resolved), mounts),
    readinessProbe: httpProbe("/readyz", PORT_NAMES.runtimeHealth, 5, 10),
    livenessProbe: httpProbe("/healthz", PORT_NAMES.runtimeHealth, 15, 20),
    ...(runtime.resources ? { resources: runtime.resources as V1Container["resources"] } : {}),
    securityContext: containerSecurity,
  };
}

function volumes(inputs: AgentRuntimeInputs, edge: boolean, toolsConfigMap: string): V1Volume[] {
  const { resolved } = inputs;
  const name = resolved.agent.metadata.name;
  return [
    { name: VOLUMES.pack, configMap: { name: resolved.packConfigMap.metadata.name } },
    { name: VOLUMES.tools, configMap: { name: toolsConfigMap } },
    ...(edge ? [{ name: VOLUMES.bridgeToken, secret: { secretName: bridgeTokenSecretName(name) } }] : []),
    ...(authKeysSecret(resolved) ? [{ name: VOLUMES.authKeys, secret: { secretName: authKeysSecret(resolved)! } }] : []),
    ...(toolSecretSources(resolved).length > 0 ? [{ name: VOLUMES.toolSecrets, projected: { sources: toolSecretSources(resolved) } }] : []),
    ...mediaPodParts(resolved.agent).volumes,
    ...resolved.agent.spec.runtime.volumes.map((vol) => ({ ...vol }) as V1Volume),
  ];
}

/** The clientKeys Secret the facade mounts, when the agent authenticates with API keys. */
function authKeysSecret(resolved: AgentRuntimeInputs["resolved"]): string | undefined {
  return resolved.agent.spec.externalAuth?.clientKeys?.secretRef.name;
}

/**
 * Each tool handler's credential, projected from the user's Secret as a file named after the handler
 * (what the runtime's HTTP and OpenAPI adapters read per call). A projection, not a copy: the operator
 * never reads the users' tool credentials, and kubelet refreshes them when the Secrets change.
 */
function toolSecretSources(resolved: AgentRuntimeInputs["resolved"]): V1VolumeProjection[] {
  const sources: V1VolumeProjection[] = [];
  for (const handler of resolved.toolRegistry?.spec.handlers ?? []) {
    const ref = handler.httpConfig?.authSecretRef ?? handler.openAPIConfig?.authSecretRef;
    // A name that cannot be a file name gets no file; the runtime says so when the tool is called.
    if (ref === undefined || !SECRET_KEY.test(handler.name) || handler.name === "." || handler.name === "..") continue;
    sources.push({ secret: { name: ref.name, items: [{ key: ref.key ?? TOOL_SECRET_DEFAULT_KEY, path: handler.name }] } });
  }
  return sources;
}

// The Secret key read when an authSecretRef names none.
const TOOL_SECRET_DEFAULT_KEY = "token";
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** A container's env and mounts with the media store's (both containers reach the same store). */
function withMedia(resolved: AgentRuntimeInputs["resolved"], env: V1EnvVar[], mounts: V1VolumeMount[]): Pick<V1Container, "env" | "envFrom" | "volumeMounts"> {
  const media = mediaPodParts(resolved.agent);
  const allMounts = [...media.mounts, ...mounts];
  return {
    env: [...media.env, ...env],
    ...(media.envFrom.length > 0 ? { envFrom: media.envFrom } : {}),
    ...(allMounts.length > 0 ? { volumeMounts: allMounts } : {}),
  };
}

function podAnnotations(inputs: AgentRuntimeInputs, bridgeToken: string | undefined): Record<string, string> {
  const { resolved } = inputs;
  const hashes: Record<string, string> = {
    [HASH_ANNOTATIONS.pack]: contentHash(resolved.packJson),
    [HASH_ANNOTATIONS.tools]: contentHash(renderToolsConfig(resolved.toolRegistry)),
  };
  if (resolved.mockConfig) hashes[HASH_ANNOTATIONS.mockConfig] = contentHash(resolved.mockConfig.text);
  if (bridgeToken !== undefined) hashes[HASH_ANNOTATIONS.bridgeToken] = contentHash(bridgeToken);
  if (inputs.providerCredentialHash !== undefined) hashes[HASH_ANNOTATIONS.providerCredential] = inputs.providerCredentialHash;
  // The user's annotations first: the hashes are what rolls the pods and must not be overridden.
  return { ...resolved.agent.spec.extraPodAnnotations, ...hashes };
}

function terminationGraceSeconds(inputs: AgentRuntimeInputs): number {
  const drain = podFacade(inputs.resolved)?.drainTimeout;
  const drainSeconds = drain === undefined ? DEFAULT_DRAIN_SECONDS : Math.ceil(parseDuration(drain) / 1000);
  return drainSeconds + DRAIN_HEADROOM_SECONDS;
}

/** Which of the agent's Deployments: the stable one, or a rollout's canary. */
interface Variant {
  name: string;
  toolsConfigMap: string;
  /** Selector and pod labels. */
  labels: Record<string, string>;
  /** Undefined: the autoscaler owns the count. */
  replicas: number | undefined;
}

function deploymentFor(inputs: AgentRuntimeInputs, variant: Variant): DesiredDeployment {
  const { agent } = inputs.resolved;
  const { runtime } = agent.spec;
  const edge = edgeFacade(inputs.resolved) !== undefined;
  const bridgeToken = requireBridgeToken(inputs);
  const { labels } = variant;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: objectMeta(agent, variant.name),
    spec: {
      ...(variant.replicas === undefined ? {} : { replicas: variant.replicas }),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: podAnnotations(inputs, bridgeToken) },
        spec: {
          // The pods never call the Kubernetes API.
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: NON_ROOT_UID,
            runAsGroup: NON_ROOT_UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          terminationGracePeriodSeconds: terminationGraceSeconds(inputs),
          containers: [facadeContainer(inputs), runtimeContainer(inputs, edge)],
          volumes: volumes(inputs, edge, variant.toolsConfigMap),
          ...(runtime.nodeSelector ? { nodeSelector: runtime.nodeSelector } : {}),
          ...(runtime.tolerations ? { tolerations: runtime.tolerations } : {}),
          ...(runtime.affinity ? { affinity: runtime.affinity } : {}),
        },
      },
    },
  };
}

/** The replica counts of both Deployments; the stable's is undefined when the autoscaler owns it. */
export function replicaSplit(inputs: AgentRuntimeInputs): { stable: number | undefined; canary: number } {
  const { runtime } = inputs.resolved.agent.spec;
  // With autoscaling on, the autoscaler owns the stable count; a value here would fight it. The
  // canary then takes its share of the autoscaler's floor.
  const autoscaled = runtime.autoscaling?.enabled === true;
  const total = autoscaled ? (runtime.autoscaling?.minReplicas ?? 1) : runtime.replicas;
  if (!inputs.canary) return { stable: autoscaled ? undefined : total, canary: 0 };
  const split = splitReplicas(total, inputs.canary.weight);
  return { stable: autoscaled ? undefined : split.stable, canary: split.canary };
}

export function desiredDeployment(inputs: AgentRuntimeInputs): DesiredDeployment {
  const { agent } = inputs.resolved;
  const name = agent.metadata.name;
  return deploymentFor(inputs, { name, toolsConfigMap: toolsConfigMapName(name), labels: agentLabels(agent), replicas: replicaSplit(inputs).stable });
}

/**
 * The canary: the candidate's pack, provider and tools in a second Deployment whose pods carry the
 * agent's labels (so the same Service sends them their share) plus the canary track, which keeps
 * its selector apart from the stable's.
 */
export function desiredCanaryDeployment(inputs: AgentRuntimeInputs): DesiredDeployment | undefined {
  if (!inputs.canary) return undefined;
  const { agent } = inputs.resolved;
  const name = agent.metadata.name;
  const candidate: AgentRuntimeInputs = { ...inputs, resolved: inputs.canary.resolved };
  return deploymentFor(candidate, {
    name: `${name}${CANARY_SUFFIX}`,
    toolsConfigMap: inputs.canary.ownTools ? `${name}${CANARY_SUFFIX}-tools` : toolsConfigMapName(name),
    labels: { ...agentLabels(agent), [TRACK_LABEL]: "canary" },
    replicas: replicaSplit(inputs).canary,
  });
}
