// The status each Omnia kind's controller writes, with the reference operator's fields. Blocks the
// reference fills in detail we do not model yet (rollout, cost usage) are kept open so a newer
// operator's status is not pruned away.
import * as v from "valibot";
import { JsonObjectSchema } from "../meta.js";
import { CountSchema, TimestampSchema, statusSchema } from "./condition.js";

const PortNumberSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535));

export const FacadeEndpointSchema = v.object({
  protocol: v.optional(v.string()),
  url: v.optional(v.string()),
  host: v.optional(v.string()),
  port: v.optional(PortNumberSchema),
  path: v.optional(v.string()),
  scheme: v.optional(v.string()),
  routeName: v.optional(v.string()),
  valid: v.optional(v.boolean()),
  reason: v.optional(v.string()),
});

export const AgentRuntimeStatusSchema = statusSchema(["Pending", "Running", "Failed"], {
  replicas: v.optional(
    v.object({ desired: v.optional(CountSchema), ready: v.optional(CountSchema), available: v.optional(CountSchema) }),
  ),
  activeVersion: v.optional(v.pipe(v.string(), v.description("the PromptPack version the pods run"))),
  serviceEndpoint: v.optional(v.pipe(v.string(), v.description("in-cluster URL of the agent's facade"))),
  facade: v.optional(v.object({ endpoints: v.optional(v.array(FacadeEndpointSchema)) })),
  managementEndpoints: v.optional(
    v.object({ ws: v.optional(PortNumberSchema), a2a: v.optional(PortNumberSchema), mcp: v.optional(PortNumberSchema) }),
  ),
  a2a: v.optional(
    v.object({
      endpoint: v.optional(v.string()),
      agentCardURL: v.optional(v.string()),
      clients: v.optional(v.array(v.looseObject({}))),
    }),
  ),
  rollout: v.optional(
    v.object({
      step: v.pipe(v.number(), v.integer(), v.minValue(0), v.description("index of the current step in spec.rollout.steps")),
      weight: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100), v.description("the current step's setWeight")),
      stableReplicas: CountSchema,
      canaryReplicas: CountSchema,
      candidateVersion: v.optional(v.pipe(v.string(), v.description("the candidate PromptPack's version"))),
      stepStartedAt: TimestampSchema,
      specHash: v.pipe(v.string(), v.description("hash of spec.rollout: a changed rollout starts again at step 0")),
    }),
  ),
  runtimeCapabilities: v.optional(v.array(v.string())),
});
export type AgentRuntimeStatus = v.InferOutput<typeof AgentRuntimeStatusSchema>;

export const PromptPackStatusSchema = statusSchema(["Pending", "Active", "Superseded", "Failed"], {
  activeVersion: v.optional(v.pipe(v.string(), v.description("hash of the pack content in use"))),
  lastUpdated: v.optional(TimestampSchema),
});
export type PromptPackStatus = v.InferOutput<typeof PromptPackStatusSchema>;

export const DiscoveredToolSchema = v.object({
  name: v.string(),
  handlerName: v.optional(v.string()),
  description: v.optional(v.string()),
  inputSchema: v.optional(JsonObjectSchema),
  outputSchema: v.optional(JsonObjectSchema),
  endpoint: v.optional(v.string()),
  status: v.optional(v.picklist(["Available", "Unavailable", "Unknown"])),
  lastChecked: v.optional(TimestampSchema),
  error: v.optional(v.string()),
});

export const ToolRegistryStatusSchema = statusSchema(["Pending", "Ready", "Degraded", "Failed"], {
  discoveredTools: v.optional(v.array(DiscoveredToolSchema)),
  discoveredToolsCount: v.optional(CountSchema),
  lastDiscoveryTime: v.optional(TimestampSchema),
});
export type ToolRegistryStatus = v.InferOutput<typeof ToolRegistryStatusSchema>;

export const ProviderStatusSchema = statusSchema(["Ready", "Error", "Unavailable"], {});
export type ProviderStatus = v.InferOutput<typeof ProviderStatusSchema>;

export const WorkspaceStatusSchema = statusSchema(["Pending", "Ready", "Suspended", "Error"], {
  namespace: v.optional(v.object({ name: v.optional(v.string()), created: v.optional(v.boolean()) })),
  serviceAccounts: v.optional(
    v.object({ owner: v.optional(v.string()), editor: v.optional(v.string()), viewer: v.optional(v.string()) }),
  ),
  members: v.optional(
    v.object({ owners: v.optional(CountSchema), editors: v.optional(CountSchema), viewers: v.optional(CountSchema) }),
  ),
  networkPolicy: v.optional(
    v.object({ enabled: v.optional(v.boolean()), name: v.optional(v.string()), rulesCount: v.optional(CountSchema) }),
  ),
  storage: v.optional(
    v.object({
      pvcName: v.optional(v.string()),
      phase: v.optional(v.string()),
      capacity: v.optional(v.string()),
      mountPath: v.optional(v.string()),
    }),
  ),
  services: v.optional(
    v.array(
      v.object({
        name: v.string(),
        sessionURL: v.optional(v.string()),
        memoryURL: v.optional(v.string()),
        ready: v.optional(v.boolean()),
      }),
    ),
  ),
  costUsage: v.optional(v.looseObject({})),
  privacyURL: v.optional(v.string()),
});
export type WorkspaceStatus = v.InferOutput<typeof WorkspaceStatusSchema>;
