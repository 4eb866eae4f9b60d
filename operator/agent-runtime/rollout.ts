// A canary's arithmetic, pure: the candidate agent (the AgentRuntime with the candidate's references
// swapped in), which step the rollout is at (from the stored status and the time), and how the
// replicas split between the stable and the canary Deployment for that step's weight.
import type { AgentRuntime, Rollout } from "../../shared/manifests/agent-runtime.js";
import { parseDuration } from "../../shared/config/duration.js";
import { contentHash } from "./content-hash.js";

export const CANARY_SUFFIX = "-canary";
export const TRACK_LABEL = "omnia.altairalabs.ai/track";

/** The AgentRuntime as the candidate would run it, or undefined without a rollout. */
export function candidateAgent(agent: AgentRuntime): AgentRuntime | undefined {
  const candidate = agent.spec.rollout?.candidate;
  if (!candidate) return undefined;
  const { rollout: _rollout, ...spec } = agent.spec;
  return {
    ...agent,
    spec: {
      ...spec,
      ...(candidate.promptPackRef ? { promptPackRef: candidate.promptPackRef } : {}),
      ...(candidate.providerRefs ? { providers: candidate.providerRefs, providerRef: undefined } : {}),
      ...(candidate.toolRegistryRef ? { toolRegistryRef: candidate.toolRegistryRef } : {}),
    },
  };
}

export interface RolloutState {
  step: number;
  weight: number;
  stepStartedAt: string;
  specHash: string;
}

/**
 * Where the rollout is now: step 0 when it is new or its spec changed; the next step once the
 * current one's pause duration has passed (several at once after a long wait); the last step stays.
 * `wakeInMs` is when to look again (the current pause's remaining time), if ever.
 */
export function rolloutProgress(rollout: Rollout, previous: Partial<RolloutState> | undefined, nowMs: number): RolloutState & { wakeInMs?: number } {
  const specHash = contentHash(JSON.stringify(rollout));
  let step = 0;
  let startedMs = nowMs;
  if (previous?.specHash === specHash && typeof previous.step === "number" && previous.stepStartedAt !== undefined) {
    step = Math.min(previous.step, rollout.steps.length - 1);
    startedMs = Date.parse(previous.stepStartedAt);
  }
  for (;;) {
    const duration = rollout.steps[step]?.pause?.duration;
    if (duration === undefined || step >= rollout.steps.length - 1) break;
    const endsMs = startedMs + parseDuration(duration);
    if (endsMs > nowMs) break;
    step += 1;
    startedMs = endsMs;
  }
  const current = rollout.steps[step]!;
  const duration = current.pause?.duration;
  const wakeInMs = duration !== undefined && step < rollout.steps.length - 1 ? startedMs + parseDuration(duration) - nowMs : undefined;
  return { step, weight: current.setWeight, stepStartedAt: new Date(startedMs).toISOString(), specHash, ...(wakeInMs !== undefined ? { wakeInMs } : {}) };
}

/**
 * Replicas in proportion to the weight: the canary gets round(total × weight), at least one while
 * the weight is above 0; the stable keeps the rest, at least one until the weight is 100 (so a
 * one-replica agent at 20% runs one of each, half the traffic: status shows both counts).
 */
export function splitReplicas(total: number, weight: number): { stable: number; canary: number } {
  const canary = weight <= 0 ? 0 : Math.min(total, Math.max(1, Math.round((total * weight) / 100)));
  const stable = weight >= 100 ? 0 : Math.max(1, total - canary);
  return { stable, canary };
}
