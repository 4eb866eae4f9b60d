// AgentRuntime CRD: one agent, tying a PromptPack, Providers and a ToolRegistry to facade and
// runtime containers. Both the current reference shape (facades[], providers[], context) and the
// early one (facade, providerRef, session) load; the parsed spec always has `facades` filled in
// and `context` set from either name, so consumers read one place.
import * as v from "valibot";
import { ExternalAuthSchema } from "../auth/external-auth-schema.js";
import { ConsoleSpecSchema, MediaSpecSchema } from "./media-spec.js";
import {
  DurationSchema,
  JsonObjectSchema,
  LocalObjectReferenceSchema,
  NameSchema,
  OMNIA_API_VERSION,
  ObjectMetaSchema,
  ObjectReferenceSchema,
  StringMapSchema,
  strictSpec,
} from "./meta.js";
import { EnvVarSchema, ResourceRequirementsSchema, VolumeMountSchema, VolumeSchema } from "./pod-parts.js";
import { ProviderRoleSchema } from "./provider.js";

/** Annotation naming the scripted mock provider file inside the runtime container. */
export const MOCK_CONFIG_PATH_ANNOTATION = "omnia.altairalabs.ai/mock-config-path";
/** Annotation forcing the mock provider regardless of the referenced Provider (tests, demos). */
export const MOCK_PROVIDER_ANNOTATION = "omnia.altairalabs.ai/mock-provider";

const PortSchema = v.pipe(
  v.number(),
  v.integer("must be an integer"),
  v.minValue(1, "must be between 1 and 65535"),
  v.maxValue(65535, "must be between 1 and 65535"),
);

const FACADE_TYPES = ["websocket", "a2a", "rest", "mcp", "custom"] as const;
/** Ours, not the reference's: where a facade runs. Absent means `sidecar` (the facade container in the pod). */
export const FACADE_PLACEMENTS = ["sidecar", "edge"] as const;
export type FacadePlacement = (typeof FACADE_PLACEMENTS)[number];
const HANDLER_MODES = ["echo", "demo", "runtime"] as const;

export const FacadeSchema = v.object({
  type: v.optional(
    v.picklist(FACADE_TYPES, (issue) => `${issue.received} is not one of ${FACADE_TYPES.join(", ")}`),
    "websocket",
  ),
  port: v.optional(PortSchema, 8080),
  handler: v.optional(
    v.picklist(HANDLER_MODES, (issue) => `${issue.received} is not one of ${HANDLER_MODES.join(", ")}`),
    "runtime",
  ),
  image: v.optional(v.string()),
  // No default, so a parsed facade stays as written; readers treat absent as "sidecar". An `edge`
  // facade runs as a Cloudflare Worker: the operator opens the runtime's gRPC-web port for it.
  placement: v.optional(
    v.picklist(FACADE_PLACEMENTS, (issue) => `${issue.received} is not one of ${FACADE_PLACEMENTS.join(", ")}`),
  ),
  extraEnv: v.optional(v.array(EnvVarSchema)),
  managementPlane: v.optional(v.boolean(), true),
  drainTimeout: v.optional(DurationSchema),
  clientToolTimeout: v.optional(DurationSchema),
  expose: v.optional(v.looseObject({ enabled: v.optional(v.boolean()), host: v.optional(v.string()) })),
  a2a: v.optional(v.looseObject({})),
  mcp: v.optional(v.looseObject({ enabled: v.optional(v.boolean()), port: v.optional(PortSchema) })),
  /**
   * Ours: for an edge facade, a Secret (keys `accountId`, `apiToken`) with which the operator uploads
   * the Worker through Cloudflare's API. Without it the Worker's configuration is only published.
   */
  edge: v.optional(v.object({ cloudflareSecretRef: LocalObjectReferenceSchema })),
});
export type Facade = v.InferOutput<typeof FacadeSchema>;

export const PromptPackRefSchema = v.object({
  name: NameSchema,
  version: v.optional(v.string()),
  track: v.optional(v.picklist(["stable", "prerelease"])),
});

export const AgentProviderSchema = v.object({
  name: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  providerRef: ObjectReferenceSchema,
  role: v.optional(ProviderRoleSchema, "llm"),
  requiredCapabilities: v.optional(v.array(v.string())),
});
export type AgentProvider = v.InferOutput<typeof AgentProviderSchema>;

/**
 * A canary (reference fields): the candidate's references run in a second Deployment behind the
 * same Service, with replicas in proportion to the current step's weight. Steps advance when their
 * pause has a duration and it has passed; a pause without one waits for the user. Promote by moving
 * the candidate's references into the spec and removing `rollout`; roll back by removing it.
 */
export const RolloutSchema = v.looseObject({
  candidate: v.pipe(
    v.object({
      promptPackRef: v.optional(PromptPackRefSchema),
      providerRefs: v.optional(v.array(AgentProviderSchema)),
      toolRegistryRef: v.optional(ObjectReferenceSchema),
    }),
    v.check((c) => c.promptPackRef !== undefined || c.providerRefs !== undefined || c.toolRegistryRef !== undefined, "must name at least one of promptPackRef, providerRefs, toolRegistryRef"),
  ),
  steps: v.pipe(
    v.array(
      v.object({
        setWeight: v.pipe(v.number(), v.integer(), v.minValue(0, "must be 0 to 100"), v.maxValue(100, "must be 0 to 100")),
        pause: v.optional(v.object({ duration: v.optional(DurationSchema) })),
      }),
    ),
    v.minLength(1, "must list at least one step"),
  ),
  trafficRouting: v.optional(v.looseObject({ mode: v.optional(v.picklist(["replicaWeighted", "mesh", "external"]), "replicaWeighted") })),
  stickySession: v.optional(v.looseObject({})),
  rollback: v.optional(v.looseObject({})),
  trigger: v.optional(v.looseObject({})),
});
export type Rollout = v.InferOutput<typeof RolloutSchema>;

const CONTEXT_TYPES = ["memory", "redis", "postgres"] as const;

/** Conversation state store: `spec.context` (current) or `spec.session` (early name). */
export const ContextSchema = v.pipe(
  v.object({
    type: v.optional(
      v.picklist(CONTEXT_TYPES, (issue) => `${issue.received} is not one of ${CONTEXT_TYPES.join(", ")}`),
      "memory",
    ),
    // A Secret whose key `url` holds the store's connection string.
    storeRef: v.optional(LocalObjectReferenceSchema),
    ttl: v.optional(DurationSchema, "24h"),
  }),
  v.forward(
    v.check((c) => c.type === "memory" || c.storeRef !== undefined, "required when type is not memory"),
    ["storeRef"],
  ),
);
export type AgentContext = v.InferOutput<typeof ContextSchema>;

export const AutoscalingSchema = v.looseObject({
  enabled: v.optional(v.boolean(), false),
  type: v.optional(v.picklist(["hpa", "keda"]), "hpa"),
  minReplicas: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 1),
  maxReplicas: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 100),
  targetCPU: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 90),
  targetMemory: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 70),
  scaleDownStabilizationSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 300),
  /** With type keda: KEDA triggers added verbatim after the default one (the operator does not interpret them). */
  keda: v.optional(
    v.looseObject({
      triggers: v.optional(
        v.array(
          v.looseObject({
            type: v.pipe(v.string(), v.minLength(1, "must name the KEDA scaler")),
            metadata: v.optional(StringMapSchema),
          }),
        ),
      ),
      pollingInterval: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1, "must be at least 1 second"))),
    }),
  ),
});

export const RuntimeSchema = v.object({
  replicas: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 1),
  image: v.optional(v.string()),
  resources: v.optional(ResourceRequirementsSchema),
  nodeSelector: v.optional(StringMapSchema),
  tolerations: v.optional(v.array(v.looseObject({}))),
  affinity: v.optional(v.looseObject({})),
  volumes: v.optional(v.array(VolumeSchema), []),
  volumeMounts: v.optional(v.array(VolumeMountSchema), []),
  extraEnv: v.optional(v.array(EnvVarSchema), []),
  autoscaling: v.optional(AutoscalingSchema),
});
export type AgentRuntimeRuntime = v.InferOutput<typeof RuntimeSchema>;

// A function, so each parsed spec gets its own arrays.
const defaultRuntime = (): AgentRuntimeRuntime => ({ replicas: 1, volumes: [], volumeMounts: [], extraEnv: [] });

const SpecSchema = strictSpec({
  promptPackRef: PromptPackRefSchema,
  facades: v.optional(v.pipe(v.array(FacadeSchema), v.minLength(1, "must list at least one facade"))),
  /** Early single-facade form; folded into `facades`. */
  facade: v.optional(FacadeSchema),
  providers: v.optional(v.array(AgentProviderSchema)),
  /** Early single-provider form. */
  providerRef: v.optional(ObjectReferenceSchema),
  toolRegistryRef: v.optional(ObjectReferenceSchema),
  framework: v.optional(
    v.looseObject({
      type: v.optional(v.picklist(["promptkit", "langchain", "custom"]), "promptkit"),
      version: v.optional(v.string()),
      image: v.optional(v.string()),
    }),
  ),
  context: v.optional(ContextSchema),
  /** Early name of `context`. */
  session: v.optional(ContextSchema),
  mode: v.optional(v.picklist(["agent", "function"])),
  inputSchema: v.optional(JsonObjectSchema),
  outputSchema: v.optional(JsonObjectSchema),
  outputFormat: v.optional(v.picklist(["text", "json", "json_schema"])),
  media: v.optional(MediaSpecSchema),
  console: v.optional(ConsoleSpecSchema),
  duplex: v.optional(v.looseObject({})),
  evals: v.optional(v.looseObject({})),
  memory: v.optional(v.looseObject({})),
  externalAuth: v.optional(ExternalAuthSchema),
  runtime: v.optional(RuntimeSchema, defaultRuntime),
  rollout: v.optional(RolloutSchema),
  serviceGroup: v.optional(v.string(), "default"),
  privacyPolicyRef: v.optional(v.looseObject({})),
  podOverrides: v.optional(v.looseObject({})),
  extraPodAnnotations: v.optional(StringMapSchema),
});

export const AgentRuntimeSpecSchema = v.pipe(
  SpecSchema,
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const spec = dataset.value;
    const issue = (key: string, message: string) =>
      addIssue({ message, path: [{ type: "object", origin: "value", input: spec, key, value: undefined }] });
    if (spec.facades === undefined && spec.facade === undefined) issue("facades", "required: list at least one facade");
    if (spec.facades !== undefined && spec.facade !== undefined) issue("facade", "set facades or facade, not both");
    if (spec.context !== undefined && spec.session !== undefined) issue("session", "set context or session, not both");
    if (spec.providers !== undefined && spec.providerRef !== undefined) {
      issue("providerRef", "set providers or providerRef, not both");
    }
  }),
  v.transform((spec) => ({
    ...spec,
    facades: spec.facades ?? (spec.facade ? [spec.facade] : []),
    context: spec.context ?? spec.session ?? { type: "memory" as const, ttl: "24h" },
  })),
);
export type AgentRuntimeSpec = v.InferOutput<typeof AgentRuntimeSpecSchema>;

export const AgentRuntimeSchema = v.object({
  apiVersion: v.literal(OMNIA_API_VERSION),
  kind: v.literal("AgentRuntime"),
  metadata: ObjectMetaSchema,
  spec: AgentRuntimeSpecSchema,
  status: v.optional(v.unknown()),
});
export type AgentRuntime = v.InferOutput<typeof AgentRuntimeSchema>;
export type AgentRuntimeInput = v.InferInput<typeof AgentRuntimeSchema>;
