// Names, ports, paths and label keys of what the operator makes from an AgentRuntime. Ports, paths,
// label keys and condition types match the reference operator; the edge names are ours.

export const FACADE_CONTAINER = "facade";
export const RUNTIME_CONTAINER = "runtime";

export const PORTS = {
  facade: 8080,
  facadeHealth: 8081,
  grpc: 9000,
  runtimeHealth: 9001,
  /** The runtime's gRPC-web bridge, opened only for an edge facade. */
  grpcWeb: 9002,
} as const;

/** Container and Service port names (at most 15 characters, as Kubernetes requires). */
export const PORT_NAMES = {
  facade: "facade",
  facadeHealth: "facade-health",
  grpc: "grpc",
  runtimeHealth: "runtime-health",
  grpcWeb: "grpc-web",
} as const;

export const PATHS = {
  packDir: "/etc/omnia/pack",
  toolsDir: "/etc/omnia/tools",
  toolsFile: "tools.yaml",
  bridgeTokenDir: "/etc/omnia/bridge",
  bridgeTokenKey: "token",
  /** The clientKeys Secret, mounted whole into the facade (kubelet refreshes it: a revoked key stops working). */
  authKeysDir: "/etc/omnia/auth-keys",
  /** Tool handlers' credentials, one file per handler, projected from the users' Secrets. */
  toolSecretsDir: "/etc/omnia/tool-secrets",
} as const;

export const VOLUMES = {
  pack: "promptpack-config",
  tools: "tools-config",
  bridgeToken: "bridge-token",
  authKeys: "auth-keys",
  toolSecrets: "tool-secrets",
} as const;

export const LABELS = {
  name: "app.kubernetes.io/name",
  instance: "app.kubernetes.io/instance",
  managedBy: "app.kubernetes.io/managed-by",
  component: "omnia.altairalabs.ai/component",
} as const;

/** Pod template annotations holding content hashes: a change to the content rolls the pods. */
export const HASH_ANNOTATIONS = {
  pack: "omnia.altairalabs.ai/pack-hash",
  tools: "omnia.altairalabs.ai/tools-hash",
  mockConfig: "omnia.altairalabs.ai/mock-config-hash",
  bridgeToken: "omnia.altairalabs.ai/bridge-token-hash",
  /** The provider key's hash: a rotated key reaches the pods (env from a Secret is read only at start). */
  providerCredential: "omnia.altairalabs.ai/provider-credential-hash",
} as const;

/**
 * On the `<name>-edge-worker` ConfigMap: the content hash of the Worker last uploaded to Cloudflare,
 * so an unchanged Worker is not uploaded again.
 */
export const EDGE_WORKER_UPLOADED_ANNOTATION = "omnia.altairalabs.ai/edge-worker-uploaded-hash";

/** Key of the session store Secret (`spec.context.storeRef`) holding the Redis URL, as in the reference. */
export const STORE_URL_KEY = "url";

export const toolsConfigMapName = (agent: string) => `${agent}-tools`;
export const bridgeTokenSecretName = (agent: string) => `${agent}-bridge-token`;
export const edgeWorkerConfigMapName = (agent: string) => `${agent}-edge-worker`;
export const grpcWebIngressName = (agent: string) => `${agent}-grpc-web`;

/** The non-root user of the images (distroless "nonroot"); numeric so runAsNonRoot can verify it. */
export const NON_ROOT_UID = 65532;
