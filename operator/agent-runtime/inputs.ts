// Everything desired() reads: the resolved AgentRuntime with its references, values the caller
// decides (the edge bridge token), and the operator's settings. Nothing else: no clock, no cluster.
import type { Facade } from "../../shared/manifests/agent-runtime.js";
import type { ResolvedAgent } from "../../shared/manifests/resolve-agent.js";
import type { OperatorSettings } from "./settings.js";

export interface AgentRuntimeInputs {
  resolved: ResolvedAgent;
  /**
   * The gRPC-web bridge token, required when a facade is placed at the edge. The reconciler keeps
   * the one in the existing Secret (or makes one on first creation); desired() never invents it.
   */
  bridgeToken?: string;
  settings?: OperatorSettings;
  /**
   * Hash of the provider key in its Secret, when the provider reads one: the reconciler reads the
   * Secret, desired() puts the hash on the pod template so a rotated key rolls the pods.
   */
  providerCredentialHash?: string;
  /**
   * A rollout's canary: the agent resolved with the candidate's references, and the current step's
   * weight (the reconciler works out the step from the stored status and the time).
   */
  canary?: { resolved: ResolvedAgent; weight: number; /** The candidate names its own ToolRegistry. */ ownTools: boolean };
  /** The content hash of the edge Worker last uploaded to Cloudflare (the reconciler uploads it). */
  edgeWorkerUploadedHash?: string;
}

/** The facade the pod's facade container serves: the first, as renderFacadeEnv reads it. */
export function podFacade(resolved: ResolvedAgent): Facade | undefined {
  return resolved.agent.spec.facades[0];
}

/** The facade asked to run as a Worker: the first with placement edge (one Worker per AgentRuntime). */
export function requestedEdgeFacade(resolved: Pick<ResolvedAgent, "agent">): Facade | undefined {
  return resolved.agent.spec.facades.find((f) => f.placement === "edge");
}

/** Whether the agent authenticates its clients (API keys or OIDC). */
export function hasExternalAuth(resolved: ResolvedAgent): boolean {
  const auth = resolved.agent.spec.externalAuth;
  return auth?.clientKeys !== undefined || auth?.oidc !== undefined;
}

/**
 * The facade provisioned as a Worker. A public endpoint anyone can use is not provisioned: without
 * externalAuth the edge facade is left out (the ExternalAuth condition says why) and the pod runs alone.
 */
export function edgeFacade(resolved: ResolvedAgent): Facade | undefined {
  return hasExternalAuth(resolved) ? requestedEdgeFacade(resolved) : undefined;
}

export class DesiredStateError extends Error {
  override readonly name = "DesiredStateError";
}

/** The bridge token when an edge facade needs one; throws when the caller forgot to pass it. */
export function requireBridgeToken(inputs: AgentRuntimeInputs): string | undefined {
  if (!edgeFacade(inputs.resolved)) return undefined;
  const token = inputs.bridgeToken;
  if (token === undefined || token === "") {
    const { namespace, name } = inputs.resolved.agent.metadata;
    throw new DesiredStateError(`AgentRuntime ${namespace}/${name} has an edge facade: pass its bridge token`);
  }
  return token;
}
