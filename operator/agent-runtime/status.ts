// AgentRuntime status from what was observed: the Deployment and Service as the cluster reports them,
// and whether each reference (PromptPack, ToolRegistry, Provider) is usable. Pure: the time and the
// previous conditions are inputs, so an unchanged world yields an identical status.
import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import type { AgentRuntime } from "../../shared/manifests/agent-runtime.js";
import type { PromptPack } from "../../shared/manifests/prompt-pack.js";
import { type Condition, type ConditionUpdate, mergeConditions } from "./conditions.js";
import { PORTS } from "./constants.js";
import { serviceEndpoint } from "./service.js";

export const CONDITION_TYPES = {
  ready: "Ready",
  deployment: "DeploymentReady",
  service: "ServiceReady",
  promptPack: "PromptPackReady",
  toolRegistry: "ToolRegistryReady",
  provider: "ProviderReady",
  externalAuth: "ExternalAuth",
  rolloutActive: "RolloutActive",
} as const;

/** A rollout as the reconciler found it: where it is, or why its candidate cannot run. */
export type RolloutReport =
  | { ok: true; step: number; steps: number; weight: number; stepStartedAt: string; specHash: string; stableReplicas: number; canaryReplicas: number; candidateVersion?: string }
  | { ok: false; message: string };

export type AgentRuntimePhase = "Pending" | "Running" | "Failed";

/** A reference's state as its resolver saw it; reason and message go into the condition as given. */
export interface ReferenceReadiness {
  ready: boolean;
  reason: string;
  message: string;
}

export interface StatusInputs {
  agent: AgentRuntime;
  /** The PromptPack the agent runs, when it resolved (its version becomes activeVersion). */
  promptPack?: PromptPack;
  observed: { deployment?: V1Deployment; service?: V1Service };
  references: {
    promptPack: ReferenceReadiness;
    provider: ReferenceReadiness;
    /** Undefined when the agent references no ToolRegistry. */
    toolRegistry?: ReferenceReadiness;
  };
  previousConditions?: readonly Condition[];
  /** Present while spec.rollout is set. */
  rollout?: RolloutReport;
  /**
   * Reported beside readiness, not part of it (the pods serve either way): AutoscalingReady with KEDA,
   * EdgeWorkerDeployed when the Worker is uploaded.
   */
  extraConditions?: readonly ConditionUpdate[];
  /** RFC 3339, e.g. new Date().toISOString() from the caller. */
  now: string;
}

export interface AgentRuntimeStatus {
  phase: AgentRuntimePhase;
  replicas?: { desired: number; ready: number; available: number };
  activeVersion?: string;
  serviceEndpoint?: string;
  conditions: Condition[];
  observedGeneration?: number;
  rollout?: { step: number; weight: number; stableReplicas: number; canaryReplicas: number; candidateVersion?: string; stepStartedAt: string; specHash: string };
}

function rolloutCondition(report: RolloutReport): ConditionUpdate {
  const type = CONDITION_TYPES.rolloutActive;
  if (!report.ok) return { type, status: "False", reason: "CandidateInvalid", message: `the canary is not running: ${report.message}` };
  const total = report.stableReplicas + report.canaryReplicas;
  return {
    type,
    status: "True",
    reason: "Progressing",
    message: `step ${report.step + 1} of ${report.steps}: weight ${report.weight}%, ${report.canaryReplicas} of ${total} replicas run the candidate`,
  };
}

function generationOf(agent: AgentRuntime): number | undefined {
  const generation = agent.metadata.generation;
  return typeof generation === "number" ? generation : undefined;
}

function desiredReplicas(deployment: V1Deployment): number {
  return deployment.spec?.replicas ?? deployment.status?.replicas ?? 1;
}

function deploymentCondition(deployment: V1Deployment | undefined): ConditionUpdate {
  const type = CONDITION_TYPES.deployment;
  if (!deployment) return { type, status: "False", reason: "DeploymentNotFound", message: "the Deployment has not been created yet" };
  const status = deployment.status ?? {};
  const generation = deployment.metadata?.generation;
  if (generation !== undefined && (status.observedGeneration ?? 0) < generation) {
    return { type, status: "False", reason: "RolloutInProgress", message: `waiting for the Deployment controller to observe generation ${generation}` };
  }
  const progressing = status.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded") {
    return { type, status: "False", reason: "ProgressDeadlineExceeded", message: progressing.message ?? "the rollout made no progress; check the pods' events" };
  }
  const want = desiredReplicas(deployment);
  const ready = status.readyReplicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  if (updated < want) {
    return { type, status: "False", reason: "RolloutInProgress", message: `${updated} of ${want} replicas updated` };
  }
  if (ready < want) {
    return { type, status: "False", reason: "ReplicasNotReady", message: `${ready} of ${want} replicas ready; check the pods' readiness probes and events` };
  }
  return { type, status: "True", reason: "ReplicasReady", message: `${ready} of ${want} replicas ready` };
}

function serviceCondition(service: V1Service | undefined): ConditionUpdate {
  const type = CONDITION_TYPES.service;
  if (!service) return { type, status: "False", reason: "ServiceNotFound", message: "the Service has not been created yet" };
  return { type, status: "True", reason: "ServiceCreated", message: "the Service exists" };
}

function referenceCondition(type: string, readiness: ReferenceReadiness): ConditionUpdate {
  return { type, status: readiness.ready ? "True" : "False", reason: readiness.reason, message: readiness.message };
}

const NO_TOOL_REGISTRY: ReferenceReadiness = { ready: true, reason: "NotReferenced", message: "the agent references no ToolRegistry" };

/** Runs open on purpose: the facade's extraEnv sets OMNIA_AUTH=none. */
function openOnPurpose(agent: AgentRuntime): boolean {
  return agent.spec.facades.some((f) => f.extraEnv?.some((e) => e.name === "OMNIA_AUTH" && e.value === "none"));
}

/**
 * Who may connect. A facade on the pod address without auth refuses to start, so an agent with
 * neither externalAuth nor an explicit opt-out is reported here before its pods crash; an edge
 * facade (a public endpoint) is not provisioned without externalAuth at all.
 */
function externalAuthCondition(agent: AgentRuntime): ConditionUpdate {
  const type = CONDITION_TYPES.externalAuth;
  const auth = agent.spec.externalAuth;
  const ways = [
    ...(auth?.clientKeys ? [`API keys from Secret "${auth.clientKeys.secretRef.name}"`] : []),
    ...(auth?.oidc ? [`OIDC tokens from ${auth.oidc.issuer}`] : []),
  ];
  if (ways.length > 0) return { type, status: "True", reason: "Configured", message: `clients authenticate with ${ways.join(" or ")}` };
  if (agent.spec.facades.some((f) => f.placement === "edge")) {
    return {
      type,
      status: "False",
      reason: "EdgeRequiresAuth",
      message: "the edge facade is not provisioned: a public endpoint needs spec.externalAuth (clientKeys or oidc)",
    };
  }
  if (openOnPurpose(agent)) return { type, status: "True", reason: "OpenOnPurpose", message: "the facade runs without authentication (OMNIA_AUTH=none)" };
  return {
    type,
    status: "False",
    reason: "NotConfigured",
    message: "set spec.externalAuth (clientKeys or oidc), or OMNIA_AUTH=none in the facade's extraEnv to run open on purpose: the facade refuses to listen on the pod address with neither",
  };
}

function servicePort(service: V1Service): number {
  return service.spec?.ports?.[0]?.port ?? PORTS.facade;
}

export function agentRuntimeStatus(inputs: StatusInputs): AgentRuntimeStatus {
  const { agent, observed, references } = inputs;
  const parts: ConditionUpdate[] = [
    deploymentCondition(observed.deployment),
    serviceCondition(observed.service),
    referenceCondition(CONDITION_TYPES.promptPack, references.promptPack),
    referenceCondition(CONDITION_TYPES.toolRegistry, references.toolRegistry ?? NO_TOOL_REGISTRY),
    referenceCondition(CONDITION_TYPES.provider, references.provider),
    externalAuthCondition(agent),
  ];
  const failing = parts.find((c) => c.status !== "True");
  const ready: ConditionUpdate = failing
    ? { type: CONDITION_TYPES.ready, status: "False", reason: `${failing.type}False`, message: `${failing.type}: ${failing.message}` }
    : { type: CONDITION_TYPES.ready, status: "True", reason: "AllComponentsReady", message: "the agent is serving" };

  const generation = generationOf(agent);
  // A rollout's state is reported beside readiness, not part of it: the stable pods serve either way.
  const extra = [...(inputs.rollout ? [rolloutCondition(inputs.rollout)] : []), ...(inputs.extraConditions ?? [])];
  const conditions = mergeConditions(inputs.previousConditions, [ready, ...parts, ...extra], inputs.now, generation);
  const report = inputs.rollout?.ok ? inputs.rollout : undefined;

  // A broken reference or a stuck rollout needs the user; anything else is still on its way.
  const referenceBroken =
    [references.promptPack, references.provider, references.toolRegistry].some((r) => r !== undefined && !r.ready) ||
    parts.some((c) => c.type === CONDITION_TYPES.externalAuth && c.status !== "True");
  const stuck = parts[0]?.reason === "ProgressDeadlineExceeded";
  const phase: AgentRuntimePhase = !failing ? "Running" : referenceBroken || stuck ? "Failed" : "Pending";

  const deployment = observed.deployment;
  const service = observed.service;
  return {
    phase,
    ...(deployment
      ? {
          replicas: {
            desired: desiredReplicas(deployment),
            ready: deployment.status?.readyReplicas ?? 0,
            available: deployment.status?.availableReplicas ?? 0,
          },
        }
      : {}),
    ...(inputs.promptPack ? { activeVersion: inputs.promptPack.spec.version } : {}),
    ...(service ? { serviceEndpoint: serviceEndpoint(agent.metadata.namespace, agent.metadata.name, servicePort(service)) } : {}),
    conditions,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    ...(report
      ? {
          rollout: {
            step: report.step,
            weight: report.weight,
            stableReplicas: report.stableReplicas,
            canaryReplicas: report.canaryReplicas,
            ...(report.candidateVersion !== undefined ? { candidateVersion: report.candidateVersion } : {}),
            stepStartedAt: report.stepStartedAt,
            specHash: report.specHash,
          },
        }
      : {}),
  };
}
