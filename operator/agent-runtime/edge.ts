// What an edge facade needs besides the pod: the bridge token Secret the runtime reads its gRPC-web
// bearer token from, and the `<name>-edge-worker` ConfigMap holding the Worker's wrangler.toml and
// vars (the Worker gets the same token as its OMNIA_BRIDGE_TOKEN secret).
import type { V1Secret } from "@kubernetes/client-node";
import { bridgeTokenSecretName, EDGE_WORKER_UPLOADED_ANNOTATION, edgeWorkerConfigMapName, PATHS, PORTS } from "./constants.js";
import { type AgentRuntimeInputs, edgeFacade, requireBridgeToken } from "./inputs.js";
import { type NamedMeta, objectMeta } from "./metadata.js";
import type { DesiredConfigMap } from "./tools-config-map.js";
import { externalAuthEnv } from "./container-env.js";
import { grpcWebIngressHost } from "./ingress.js";
import { renderWranglerToml, workerName } from "./wrangler-config.js";

export type DesiredSecret = V1Secret & { apiVersion: "v1"; kind: "Secret"; metadata: NamedMeta; data: Record<string, string> };

export function desiredBridgeTokenSecret(inputs: AgentRuntimeInputs): DesiredSecret | undefined {
  const token = requireBridgeToken(inputs);
  if (token === undefined) return undefined;
  const { agent } = inputs.resolved;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: objectMeta(agent, bridgeTokenSecretName(agent.metadata.name)),
    type: "Opaque",
    // `data` (base64), as the API server returns it, so desired and observed compare equal.
    data: { [PATHS.bridgeTokenKey]: Buffer.from(token, "utf8").toString("base64") },
  };
}

/** The Worker authenticates as the pod facade does; its API keys come as a secret (below), not a var. */
function externalAuthVars(inputs: AgentRuntimeInputs): Record<string, string> {
  const { OMNIA_EXTERNAL_AUTH } = externalAuthEnv(inputs.resolved);
  return OMNIA_EXTERNAL_AUTH === undefined ? {} : { OMNIA_EXTERNAL_AUTH };
}

/**
 * The Worker's vars. OMNIA_RUNTIME_URL defaults to https://<host> of the gRPC-web Ingress when the
 * facade exposes one, else to the Service's in-cluster address, which a Worker reaches only through
 * a tunnel; the edge facade's extraEnv (e.g. the public gRPC-web URL) overrides.
 */
function runtimeUrl(inputs: AgentRuntimeInputs): string {
  const host = grpcWebIngressHost(inputs);
  const { name, namespace } = inputs.resolved.agent.metadata;
  return host !== undefined ? `https://${host}` : `http://${name}.${namespace}.svc.cluster.local:${PORTS.grpcWeb}`;
}

export function edgeWorkerVars(inputs: AgentRuntimeInputs): Record<string, string> {
  const { agent } = inputs.resolved;
  const facade = edgeFacade(inputs.resolved);
  const { name, namespace } = agent.metadata;
  const vars: Record<string, string> = {
    OMNIA_AGENT_NAME: name,
    OMNIA_NAMESPACE: namespace,
    OMNIA_RUNTIME_URL: runtimeUrl(inputs),
    OMNIA_ALLOWED_ORIGINS: "",
    OMNIA_SESSION_TTL: agent.spec.context.ttl ?? "24h",
    ...externalAuthVars(inputs),
  };
  if (facade?.clientToolTimeout !== undefined) vars.OMNIA_CLIENT_TOOL_TIMEOUT = facade.clientToolTimeout;
  // A Worker var is a literal: entries with valueFrom have nothing to copy.
  for (const entry of facade?.extraEnv ?? []) {
    if (entry.value !== undefined) vars[entry.name] = entry.value;
  }
  return vars;
}

export function desiredEdgeWorkerConfigMap(inputs: AgentRuntimeInputs): DesiredConfigMap | undefined {
  if (!edgeFacade(inputs.resolved)) return undefined;
  const { agent } = inputs.resolved;
  const { name, namespace } = agent.metadata;
  const vars = edgeWorkerVars(inputs);
  const toml = renderWranglerToml({
    name: workerName(namespace, name),
    vars,
    header: [
      `The edge facade of AgentRuntime ${namespace}/${name}, rendered by the Omnia operator (edits are overwritten).`,
      "Deploy from the root of an Omnia checkout: wrangler deploy -c <this file>.",
    ],
    secretNotes: [
      "Secrets, set with `wrangler secret put NAME` (never here):",
      `  OMNIA_BRIDGE_TOKEN         key ${PATHS.bridgeTokenKey} of Secret ${namespace}/${name}-bridge-token`,
      ...(agent.spec.externalAuth?.clientKeys
        ? [`  OMNIA_AUTH_KEYS            the entries of Secret ${namespace}/${agent.spec.externalAuth.clientKeys.secretRef.name} as one JSON object`]
        : []),
      "  UPSTASH_REDIS_REST_URL     optional: the shared Redis through Upstash REST (with the token below);",
      "  UPSTASH_REDIS_REST_TOKEN   without them each session's journal lives in its Durable Object",
    ],
  });
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      ...objectMeta(agent, edgeWorkerConfigMapName(name)),
      ...(inputs.edgeWorkerUploadedHash !== undefined ? { annotations: { [EDGE_WORKER_UPLOADED_ANNOTATION]: inputs.edgeWorkerUploadedHash } } : {}),
    },
    data: { "wrangler.toml": toml, "vars.json": `${JSON.stringify(vars, null, 2)}\n` },
  };
}
