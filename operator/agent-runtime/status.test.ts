import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { AgentRuntimeStatusSchema } from "../../shared/manifests/crd/statuses.js";
import { resolvedAgent } from "../testing/resolved-agent.js";
import type { Condition } from "./conditions.js";
import { agentRuntimeStatus, type ReferenceReadiness, type StatusInputs } from "./status.js";

const T0 = "2026-01-01T00:00:00Z";
const T1 = "2026-01-01T00:05:00Z";

// Open on purpose, so ExternalAuth is True and the other conditions decide.
const resolved = resolvedAgent({ metadata: { generation: 3 }, spec: { facades: [{ extraEnv: [{ name: "OMNIA_AUTH", value: "none" }] }] } });
const agent = resolved.agent;
const ok = (kind: string): ReferenceReadiness => ({ ready: true, reason: "Resolved", message: `${kind} found` });

function observedDeployment(over: { replicas?: number; ready?: number; updated?: number; observed?: number; generation?: number; stuck?: boolean } = {}): V1Deployment {
  const replicas = over.replicas ?? 2;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "assistant", generation: over.generation ?? 5 },
    spec: { replicas, selector: {}, template: {} },
    status: {
      observedGeneration: over.observed ?? over.generation ?? 5,
      replicas,
      updatedReplicas: over.updated ?? replicas,
      readyReplicas: over.ready ?? replicas,
      availableReplicas: over.ready ?? replicas,
      ...(over.stuck
        ? { conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "assistant-7d" has timed out progressing.' }] }
        : {}),
    },
  };
}

const service: V1Service = { apiVersion: "v1", kind: "Service", metadata: { name: "assistant" }, spec: { ports: [{ port: 8080 }] } };

function inputs(over: Partial<StatusInputs> = {}): StatusInputs {
  return {
    agent,
    promptPack: resolved.promptPack,
    observed: { deployment: observedDeployment(), service },
    references: { promptPack: ok("PromptPack"), provider: ok("Provider"), toolRegistry: ok("ToolRegistry") },
    now: T0,
    ...over,
  };
}

const byType = (conditions: Condition[]) => Object.fromEntries(conditions.map((c) => [c.type, c]));

describe("agentRuntimeStatus", () => {
  it("reports Running with every condition True when all is ready", () => {
    const status = agentRuntimeStatus(inputs());
    expect(status).toMatchObject({
      phase: "Running",
      replicas: { desired: 2, ready: 2, available: 2 },
      activeVersion: "1.0.0",
      serviceEndpoint: "assistant.default.svc.cluster.local:8080",
      observedGeneration: 3,
    });
    expect(status.conditions.map((c) => [c.type, c.status])).toEqual([
      ["Ready", "True"],
      ["DeploymentReady", "True"],
      ["ServiceReady", "True"],
      ["PromptPackReady", "True"],
      ["ToolRegistryReady", "True"],
      ["ProviderReady", "True"],
      ["ExternalAuth", "True"],
    ]);
    for (const c of status.conditions) expect(c).toMatchObject({ lastTransitionTime: T0, observedGeneration: 3 });
  });

  it.each([
    { name: "API keys", spec: { externalAuth: { clientKeys: { secretRef: { name: "keys" } } } }, status: "True", reason: "Configured", message: /API keys from Secret "keys"/ },
    { name: "OIDC", spec: { externalAuth: { oidc: { issuer: "https://id.example.com", audience: "a" } } }, status: "True", reason: "Configured", message: /OIDC tokens from https:\/\/id\.example\.com/ },
    { name: "nothing configured", spec: {}, status: "False", reason: "NotConfigured", message: /OMNIA_AUTH=none in the facade's extraEnv/ },
    { name: "an edge facade without auth", spec: { facades: [{ placement: "edge" }] }, status: "False", reason: "EdgeRequiresAuth", message: /not provisioned/ },
  ])("ExternalAuth: $name", ({ spec, status, reason, message }) => {
    const own = resolvedAgent({ spec });
    const result = agentRuntimeStatus(inputs({ agent: own.agent }));
    expect(byType(result.conditions).ExternalAuth).toMatchObject({ status, reason, message: expect.stringMatching(message) });
    if (status === "False") expect(result).toMatchObject({ phase: "Failed", conditions: expect.arrayContaining([expect.objectContaining({ type: "Ready", status: "False", reason: "ExternalAuthFalse" })]) });
  });

  it.each<{ name: string; over: Partial<StatusInputs>; phase: string; failing: string; reason: string; message?: RegExp }>([
    { name: "nothing created yet", over: { observed: {} }, phase: "Pending", failing: "DeploymentReady", reason: "DeploymentNotFound" },
    {
      name: "a new generation not yet observed",
      over: { observed: { deployment: observedDeployment({ generation: 6, observed: 5 }), service } },
      phase: "Pending",
      failing: "DeploymentReady",
      reason: "RolloutInProgress",
    },
    {
      name: "replicas not all updated",
      over: { observed: { deployment: observedDeployment({ updated: 1 }), service } },
      phase: "Pending",
      failing: "DeploymentReady",
      reason: "RolloutInProgress",
      message: /1 of 2 replicas updated/,
    },
    {
      name: "pods not ready",
      over: { observed: { deployment: observedDeployment({ ready: 1 }), service } },
      phase: "Pending",
      failing: "DeploymentReady",
      reason: "ReplicasNotReady",
      message: /1 of 2 replicas ready/,
    },
    {
      name: "a stuck rollout",
      over: { observed: { deployment: observedDeployment({ stuck: true }), service } },
      phase: "Failed",
      failing: "DeploymentReady",
      reason: "ProgressDeadlineExceeded",
      message: /timed out progressing/,
    },
    {
      name: "the Service missing",
      over: { observed: { deployment: observedDeployment() } },
      phase: "Pending",
      failing: "ServiceReady",
      reason: "ServiceNotFound",
    },
    {
      name: "the PromptPack not found",
      over: {
        references: { promptPack: { ready: false, reason: "NotFound", message: 'PromptPack "assistant" not found in namespace default' }, provider: ok("Provider") },
      },
      phase: "Failed",
      failing: "PromptPackReady",
      reason: "NotFound",
      message: /not found in namespace default/,
    },
    {
      name: "the Provider unusable",
      over: { references: { promptPack: ok("PromptPack"), provider: { ready: false, reason: "SecretNotFound", message: 'Secret "anthropic" not found' } } },
      phase: "Failed",
      failing: "ProviderReady",
      reason: "SecretNotFound",
    },
  ])("reports $name", ({ over, phase, failing, reason, message }) => {
    const status = agentRuntimeStatus(inputs(over));
    const conditions = byType(status.conditions);
    expect(status.phase).toBe(phase);
    expect(conditions[failing]).toMatchObject({ status: "False", reason });
    if (message) expect(conditions[failing]?.message).toMatch(message);
    expect(conditions.Ready).toMatchObject({ status: "False", reason: `${failing}False` });
    expect(conditions.Ready?.message).toContain(conditions[failing]?.message ?? "?");
  });

  it("says ToolRegistryReady True when the agent references none", () => {
    const status = agentRuntimeStatus(inputs({ references: { promptPack: ok("PromptPack"), provider: ok("Provider") } }));
    expect(byType(status.conditions).ToolRegistryReady).toMatchObject({ status: "True", reason: "NotReferenced" });
  });

  it("moves lastTransitionTime only for conditions whose status changed", () => {
    const first = agentRuntimeStatus(inputs({ observed: { deployment: observedDeployment({ ready: 1 }), service } }));
    // Later: still one pod short (same status, new message), then all ready.
    const second = agentRuntimeStatus(
      inputs({ observed: { deployment: observedDeployment({ replicas: 3, ready: 2 }), service }, previousConditions: first.conditions, now: T1 }),
    );
    expect(byType(second.conditions).DeploymentReady).toMatchObject({ status: "False", message: expect.stringMatching(/2 of 3/), lastTransitionTime: T0 });
    const third = agentRuntimeStatus(inputs({ previousConditions: second.conditions, now: T1 }));
    expect(byType(third.conditions).DeploymentReady).toMatchObject({ status: "True", lastTransitionTime: T1 });
    expect(byType(third.conditions).Ready).toMatchObject({ status: "True", lastTransitionTime: T1 });
    expect(byType(third.conditions).ServiceReady).toMatchObject({ status: "True", lastTransitionTime: T0 });
  });

  it("writes a status the AgentRuntime CRD's status schema accepts", () => {
    for (const status of [agentRuntimeStatus(inputs()), agentRuntimeStatus(inputs({ observed: {} }))]) {
      expect(v.safeParse(AgentRuntimeStatusSchema, status).issues).toBeUndefined();
    }
  });

  it("is idempotent: the same observations give the same status", () => {
    const once = agentRuntimeStatus(inputs());
    expect(agentRuntimeStatus(inputs({ previousConditions: once.conditions, now: T1 }))).toEqual(once);
  });
});
