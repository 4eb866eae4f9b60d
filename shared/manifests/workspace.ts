// Workspace CRD (cluster-scoped): one tenant, i.e. one namespace with its members, network isolation,
// budgets, storage and service groups. Fields follow the reference operator; blocks the controller
// does not read yet (service-group internals, cost alerts) stay loose so reference manifests load.
import * as v from "valibot";
import {
  NameSchema,
  NamespaceSchema,
  OMNIA_API_VERSION,
  StringMapSchema,
  strictSpec,
} from "./meta.js";

export const WORKSPACE_ROLES = ["owner", "editor", "viewer"] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];
export const WORKSPACE_ENVIRONMENTS = ["development", "staging", "production"] as const;

const RoleSchema = v.picklist(WORKSPACE_ROLES, (issue) => `${issue.received} is not one of ${WORKSPACE_ROLES.join(", ")}`);

/** Cluster-scoped objects have no namespace; anything else in metadata passes through. */
export const ClusterObjectMetaSchema = v.looseObject({
  name: NameSchema,
  labels: v.optional(StringMapSchema),
  annotations: v.optional(StringMapSchema),
});

const ServiceAccountRefSchema = v.object({ name: NameSchema, namespace: NamespaceSchema });

export const RoleBindingSchema = v.object({
  role: RoleSchema,
  groups: v.optional(v.pipe(v.array(v.string()), v.description("IdP groups (OIDC claim or proxy header) granted the role"))),
  serviceAccounts: v.optional(v.array(ServiceAccountRefSchema)),
});

export const DirectGrantSchema = v.object({
  user: v.pipe(v.string(), v.minLength(1, "must not be empty"), v.description("email or username, matched case-insensitively")),
  role: RoleSchema,
  expires: v.optional(v.pipe(v.string(), v.isoTimestamp("must be an RFC 3339 timestamp"))),
});

export const WorkspaceNamespaceSchema = v.object({
  name: NamespaceSchema,
  create: v.optional(v.pipe(v.boolean(), v.description("create the namespace when it does not exist"))),
  labels: v.optional(StringMapSchema),
  annotations: v.optional(StringMapSchema),
});

export const WorkspaceNetworkPolicySchema = v.object({
  isolate: v.optional(v.boolean()),
  allowExternalAPIs: v.optional(v.boolean()),
  allowPrivateNetworks: v.optional(v.boolean()),
  allowSharedNamespaces: v.optional(v.boolean()),
  // NetworkPolicy peers/rules, copied into the generated NetworkPolicy as they are.
  allowFrom: v.optional(v.array(v.looseObject({}))),
  allowTo: v.optional(v.array(v.looseObject({}))),
});

export const CostControlsSchema = v.object({
  dailyBudget: v.optional(v.pipe(v.string(), v.description("amount in USD, as a decimal string"))),
  monthlyBudget: v.optional(v.pipe(v.string(), v.description("amount in USD, as a decimal string"))),
  budgetExceededAction: v.optional(v.picklist(["warn", "pauseJobs", "block"])),
  alertThresholds: v.optional(v.array(v.unknown())),
});

export const WorkspaceStorageSchema = v.object({
  enabled: v.optional(v.boolean(), true),
  size: v.optional(v.string(), "10Gi"),
  storageClass: v.optional(v.string()),
  accessModes: v.optional(v.array(v.string()), () => ["ReadWriteMany"]),
  retentionPolicy: v.optional(v.picklist(["Delete", "Retain"])),
});

/** A service group: a managed session-api + memory-api (+ eval worker), or external URLs. */
export const ServiceGroupSchema = v.object({
  name: NameSchema,
  mode: v.optional(v.picklist(["managed", "external"]), "managed"),
  session: v.optional(v.looseObject({})),
  memory: v.optional(v.looseObject({})),
  redis: v.optional(v.looseObject({})),
  external: v.optional(v.object({ sessionURL: v.optional(v.string()), memoryURL: v.optional(v.string()) })),
  evalWorker: v.optional(v.looseObject({ enabled: v.optional(v.boolean()) })),
  autoscaling: v.optional(v.looseObject({})),
  privacyPolicyRef: v.optional(v.looseObject({})),
});

export const WorkspaceSpecSchema = strictSpec({
  displayName: v.pipe(v.string(), v.minLength(1, "must not be empty"), v.description("name shown in the dashboard")),
  description: v.optional(v.string()),
  environment: v.optional(
    v.picklist(WORKSPACE_ENVIRONMENTS, (issue) => `${issue.received} is not one of ${WORKSPACE_ENVIRONMENTS.join(", ")}`),
  ),
  defaultTags: v.optional(StringMapSchema),
  namespace: WorkspaceNamespaceSchema,
  roleBindings: v.optional(v.array(RoleBindingSchema)),
  directGrants: v.optional(v.array(DirectGrantSchema)),
  anonymousAccess: v.optional(v.object({ enabled: v.optional(v.boolean()), role: v.optional(RoleSchema, "viewer") })),
  networkPolicy: v.optional(WorkspaceNetworkPolicySchema),
  costControls: v.optional(CostControlsSchema),
  storage: v.optional(WorkspaceStorageSchema),
  services: v.optional(v.array(ServiceGroupSchema)),
  privacy: v.optional(v.looseObject({})),
  runtime: v.optional(
    v.object({
      serviceAccountName: v.optional(v.string()),
      podLabels: v.optional(StringMapSchema),
      podAnnotations: v.optional(StringMapSchema),
    }),
  ),
  mgmtPlaneMintServiceAccounts: v.optional(v.array(v.unknown())),
});
export type WorkspaceSpec = v.InferOutput<typeof WorkspaceSpecSchema>;

export const WorkspaceSchema = v.object({
  apiVersion: v.literal(OMNIA_API_VERSION),
  kind: v.literal("Workspace"),
  metadata: ClusterObjectMetaSchema,
  spec: WorkspaceSpecSchema,
  status: v.optional(v.unknown()),
});
export type Workspace = v.InferOutput<typeof WorkspaceSchema>;
export type WorkspaceInput = v.InferInput<typeof WorkspaceSchema>;
