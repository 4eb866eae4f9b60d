// The env of the facade and runtime containers: the OMNIA_* values local mode uses too
// (renderRuntimeEnv/renderFacadeEnv), the pod's hosts and ports, Secret-backed values (session
// store URL, provider key, bridge token file), then the user's extraEnv verbatim, which wins.
import type { V1EnvVar } from "@kubernetes/client-node";
import type { EnvVar } from "../../shared/manifests/pod-parts.js";
import type { ResolvedAgent } from "../../shared/manifests/resolve-agent.js";
import { renderFacadeEnv, renderRuntimeEnv } from "../../shared/manifests/runtime-env.js";
import { PATHS, PORTS, STORE_URL_KEY } from "./constants.js";
import { edgeFacade, hasExternalAuth, podFacade } from "./inputs.js";
import { providerCredentialEnv } from "./provider-credentials.js";

/** Both containers get the same store, so the facades' turn journal and the runtime's sessions meet. */
function sessionStoreEnv(resolved: ResolvedAgent): V1EnvVar[] {
  const { context } = resolved.agent.spec;
  if (context.type !== "redis" || context.storeRef === undefined) return [];
  return [{ name: "OMNIA_REDIS_URL", valueFrom: { secretKeyRef: { name: context.storeRef.name, key: STORE_URL_KEY } } }];
}

function literal(values: Record<string, string>): V1EnvVar[] {
  return Object.entries(values).map(([name, value]) => ({ name, value }));
}

/** Ours first, without the names the user sets; then the user's entries as written (valueFrom included). */
function withExtraEnv(ours: V1EnvVar[], extra: readonly EnvVar[]): V1EnvVar[] {
  const userNames = new Set(extra.map((e) => e.name));
  const user: V1EnvVar[] = extra.map((e) => ({ ...e }) as V1EnvVar);
  return [...ours.filter((e) => !userNames.has(e.name)), ...user];
}

export function runtimeContainerEnv(resolved: ResolvedAgent): V1EnvVar[] {
  const base = renderRuntimeEnv(resolved, {
    packDir: PATHS.packDir,
    toolsPath: `${PATHS.toolsDir}/${PATHS.toolsFile}`,
  });
  const pod: Record<string, string> = {
    OMNIA_GRPC_PORT: String(PORTS.grpc),
    OMNIA_HEALTH_PORT: String(PORTS.runtimeHealth),
    // The kubelet probes the pod IP; gRPC stays on loopback, reached only by the pod's facade.
    OMNIA_HEALTH_HOST: "0.0.0.0",
  };
  if (edgeFacade(resolved)) {
    Object.assign(pod, {
      OMNIA_GRPC_WEB_HOST: "0.0.0.0",
      OMNIA_GRPC_WEB_PORT: String(PORTS.grpcWeb),
      OMNIA_BRIDGE_TOKEN_FILE: `${PATHS.bridgeTokenDir}/${PATHS.bridgeTokenKey}`,
    });
  }
  const ours = [...literal({ ...base, ...pod }), ...sessionStoreEnv(resolved), ...providerCredentialEnv(resolved.provider)];
  return withExtraEnv(ours, resolved.agent.spec.runtime.extraEnv);
}

/** How a facade (pod or Worker) authenticates: spec.externalAuth as JSON, and where the keys Secret is mounted. */
export function externalAuthEnv(resolved: ResolvedAgent): Record<string, string> {
  const auth = resolved.agent.spec.externalAuth;
  if (!hasExternalAuth(resolved) || auth === undefined) return {};
  return {
    OMNIA_EXTERNAL_AUTH: JSON.stringify(auth),
    ...(auth.clientKeys ? { OMNIA_AUTH_KEYS_DIR: PATHS.authKeysDir } : {}),
  };
}

export function facadeContainerEnv(resolved: ResolvedAgent): V1EnvVar[] {
  const facade = podFacade(resolved);
  const base = renderFacadeEnv(resolved);
  const pod: Record<string, string> = {
    // The Service reaches the facade on the pod IP.
    OMNIA_FACADE_HOST: "0.0.0.0",
    OMNIA_HEALTH_PORT: String(PORTS.facadeHealth),
    OMNIA_CONTEXT_TTL: resolved.agent.spec.context.ttl ?? "24h",
  };
  if ((facade?.handler ?? "runtime") === "runtime") pod.OMNIA_RUNTIME_ADDRESS = `127.0.0.1:${PORTS.grpc}`;
  Object.assign(pod, externalAuthEnv(resolved));
  const ours = [...literal({ ...base, ...pod }), ...sessionStoreEnv(resolved)];
  return withExtraEnv(ours, facade?.extraEnv ?? []);
}
