// ToolRegistry CRD: the tool handlers (HTTP, OpenAPI, gRPC, MCP, client-side) an agent may call.
// Fields follow the reference operator; each handler type's config is loose beyond the fields the
// runtime's adapters read, so newer reference fields don't break loading.
import * as v from "valibot";
import {
  DurationSchema,
  JsonObjectSchema,
  OMNIA_API_VERSION,
  ObjectMetaSchema,
  SecretKeyReferenceSchema,
  StringMapSchema,
  strictSpec,
} from "./meta.js";

export const TOOL_HANDLER_TYPES = ["http", "openapi", "grpc", "mcp", "client"] as const;
export type ToolHandlerType = (typeof TOOL_HANDLER_TYPES)[number];

export const ToolDefinitionSchema = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  description: v.string(),
  inputSchema: JsonObjectSchema,
  outputSchema: v.optional(JsonObjectSchema),
});
export type ToolDefinition = v.InferOutput<typeof ToolDefinitionSchema>;

export const RetryPolicySchema = v.looseObject({
  maxAttempts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  initialBackoff: v.optional(DurationSchema, "100ms"),
  backoffMultiplier: v.optional(v.number(), 2.0),
  maxBackoff: v.optional(DurationSchema, "30s"),
  retryOn: v.optional(v.array(v.union([v.number(), v.string()]))),
  retryOnNetworkError: v.optional(v.boolean(), true),
  respectRetryAfter: v.optional(v.boolean(), true),
  retryableStatusCodes: v.optional(v.array(v.string())),
});
export type RetryPolicy = v.InferOutput<typeof RetryPolicySchema>;

const AuthTypeSchema = v.picklist(["bearer", "basic"]);

export const HttpConfigSchema = v.looseObject({
  endpoint: v.optional(v.string()),
  urlTemplate: v.optional(v.string()),
  method: v.optional(v.picklist(["GET", "POST", "PUT", "PATCH", "DELETE"]), "POST"),
  headers: v.optional(StringMapSchema),
  contentType: v.optional(v.string(), "application/json"),
  authType: v.optional(AuthTypeSchema),
  authSecretRef: v.optional(SecretKeyReferenceSchema),
  queryParams: v.optional(v.array(v.string())),
  headerParams: v.optional(StringMapSchema),
  staticQuery: v.optional(StringMapSchema),
  staticBody: v.optional(JsonObjectSchema),
  bodyMapping: v.optional(v.string()),
  responseMapping: v.optional(v.string()),
  redact: v.optional(v.array(v.string())),
  retryPolicy: v.optional(RetryPolicySchema),
});
export type HttpConfig = v.InferOutput<typeof HttpConfigSchema>;

export const OpenAPIConfigSchema = v.looseObject({
  specURL: v.string(),
  baseURL: v.optional(v.string()),
  operationFilter: v.optional(v.array(v.string())),
  headers: v.optional(StringMapSchema),
  authType: v.optional(AuthTypeSchema),
  authSecretRef: v.optional(SecretKeyReferenceSchema),
  retryPolicy: v.optional(RetryPolicySchema),
});
export type OpenAPIConfig = v.InferOutput<typeof OpenAPIConfigSchema>;

export const GrpcConfigSchema = v.looseObject({
  endpoint: v.string(),
  tls: v.optional(v.boolean(), false),
  tlsCertPath: v.optional(v.string()),
  tlsKeyPath: v.optional(v.string()),
  tlsCAPath: v.optional(v.string()),
  tlsInsecureSkipVerify: v.optional(v.boolean(), false),
  retryPolicy: v.optional(RetryPolicySchema),
});
export type GrpcConfig = v.InferOutput<typeof GrpcConfigSchema>;

export const McpConfigSchema = v.looseObject({
  transport: v.picklist(["sse", "stdio", "streamable-http"]),
  endpoint: v.optional(v.string()),
  command: v.optional(v.string()),
  args: v.optional(v.array(v.string())),
  env: v.optional(StringMapSchema),
  workDir: v.optional(v.string()),
  toolFilter: v.optional(
    v.looseObject({ allowlist: v.optional(v.array(v.string())), blocklist: v.optional(v.array(v.string())) }),
  ),
  retryPolicy: v.optional(RetryPolicySchema),
});
export type McpConfig = v.InferOutput<typeof McpConfigSchema>;

/** Client tools run in the user's app; the facade asks for consent with this message. */
export const ClientConfigSchema = v.looseObject({
  consentMessage: v.optional(v.string()),
  categories: v.optional(v.array(v.string())),
});
export type ClientConfig = v.InferOutput<typeof ClientConfigSchema>;

export const ToolAuthSchema = v.looseObject({
  type: v.picklist(["none", "bearer", "basic", "serviceAccount", "workloadIdentity"]),
  secretRef: v.optional(SecretKeyReferenceSchema),
  serviceAccount: v.optional(v.looseObject({ audience: v.optional(v.string()) })),
  workloadIdentity: v.optional(
    v.looseObject({
      cloud: v.optional(v.string(), "azure"),
      audience: v.optional(v.string()),
      header: v.optional(v.string()),
    }),
  ),
});
export type ToolAuth = v.InferOutput<typeof ToolAuthSchema>;

// Which config block each handler type needs; `tool` is required where the handler itself can't
// describe its tool (OpenAPI and MCP discover theirs).
const REQUIRED_BLOCK = {
  http: ["tool", "httpConfig"],
  grpc: ["tool", "grpcConfig"],
  client: ["tool"],
  openapi: ["openAPIConfig"],
  mcp: ["mcpConfig"],
} as const satisfies Record<ToolHandlerType, readonly string[]>;

const ToolHandlerEntries = {
  name: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  type: v.picklist(TOOL_HANDLER_TYPES, (issue) => `${issue.received} is not one of ${TOOL_HANDLER_TYPES.join(", ")}`),
  timeout: v.optional(DurationSchema, "30s"),
  tool: v.optional(ToolDefinitionSchema),
  httpConfig: v.optional(HttpConfigSchema),
  openAPIConfig: v.optional(OpenAPIConfigSchema),
  grpcConfig: v.optional(GrpcConfigSchema),
  mcpConfig: v.optional(McpConfigSchema),
  clientConfig: v.optional(ClientConfigSchema),
  auth: v.optional(ToolAuthSchema),
};

export const ToolHandlerSchema = v.pipe(
  v.looseObject(ToolHandlerEntries),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const handler = dataset.value;
    for (const block of REQUIRED_BLOCK[handler.type]) {
      if (handler[block] !== undefined) continue;
      addIssue({
        message: `required for a handler of type ${handler.type}`,
        path: [{ type: "object", origin: "value", input: handler, key: block, value: undefined }],
      });
    }
  }),
);
export type ToolHandler = v.InferOutput<typeof ToolHandlerSchema>;
export type ToolHandlerInput = v.InferInput<typeof ToolHandlerSchema>;

/** Handler names key the runtime's tool routing, so they must be unique within a registry. */
export const ToolHandlerListSchema = v.pipe(
  v.array(ToolHandlerSchema),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const seen = new Set<string>();
    dataset.value.forEach((handler, index) => {
      if (seen.has(handler.name)) {
        addIssue({
          message: `duplicate handler name "${handler.name}"`,
          path: [
            { type: "array", origin: "value", input: dataset.value, key: index, value: handler },
          ],
        });
      }
      seen.add(handler.name);
    });
  }),
);

export const ToolRegistrySpecSchema = strictSpec({
  handlers: v.pipe(ToolHandlerListSchema, v.minLength(1, "must list at least one handler")),
  probe: v.optional(
    v.looseObject({
      enabled: v.optional(v.boolean(), false),
      interval: v.optional(DurationSchema, "60s"),
      timeout: v.optional(DurationSchema, "5s"),
    }),
  ),
});
export type ToolRegistrySpec = v.InferOutput<typeof ToolRegistrySpecSchema>;

export const ToolRegistrySchema = v.object({
  apiVersion: v.literal(OMNIA_API_VERSION),
  kind: v.literal("ToolRegistry"),
  metadata: ObjectMetaSchema,
  spec: ToolRegistrySpecSchema,
  status: v.optional(v.unknown()),
});
export type ToolRegistry = v.InferOutput<typeof ToolRegistrySchema>;
export type ToolRegistryInput = v.InferInput<typeof ToolRegistrySchema>;
