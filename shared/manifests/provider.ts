// Provider CRD: which model an agent talks to, with its credentials, defaults and pricing.
import * as v from "valibot";
import {
  DurationSchema,
  OMNIA_API_VERSION,
  ObjectMetaSchema,
  SecretKeyReferenceSchema,
  StringMapSchema,
  strictSpec,
} from "./meta.js";

export const PROVIDER_TYPES = [
  "claude",
  "openai",
  "gemini",
  "ollama",
  "mock",
  "vllm",
  "voyageai",
  "cartesia",
  "elevenlabs",
  "imagen",
  "huggingface",
] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const PROVIDER_ROLES = ["llm", "embedding", "tts", "stt", "image", "inference"] as const;
export type ProviderRole = (typeof PROVIDER_ROLES)[number];

export const ProviderRoleSchema = v.picklist(
  PROVIDER_ROLES,
  (issue) => `${issue.received} is not one of ${PROVIDER_ROLES.join(", ")}`,
);

export const PROVIDER_CAPABILITIES = [
  "text",
  "streaming",
  "vision",
  "tools",
  "json",
  "audio",
  "video",
  "documents",
  "duplex",
] as const;

// The CRD stores prices and sampling values as strings (no floats in CRDs), but YAML writers often
// type `0.003` unquoted; accept both and keep the string so it reaches env vars unchanged.
const DecimalStringSchema = v.pipe(
  v.union([v.string(), v.number()], "must be a number or a decimal string"),
  v.transform(String),
  v.regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, (issue) => `${issue.received} is not a decimal number`),
);

export const ProviderCredentialSchema = v.pipe(
  v.looseObject({
    secretRef: v.optional(SecretKeyReferenceSchema),
    envVar: v.optional(v.string()),
    filePath: v.optional(v.string()),
  }),
  v.check(
    (c) => [c.secretRef, c.envVar, c.filePath].filter((x) => x !== undefined).length <= 1,
    "set at most one of secretRef, envVar, filePath",
  ),
);

export const ProviderDefaultsSchema = v.looseObject({
  temperature: v.optional(DecimalStringSchema),
  topP: v.optional(DecimalStringSchema),
  maxTokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  contextWindow: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  truncationStrategy: v.optional(v.picklist(["sliding", "summarize", "custom"])),
  requestTimeout: v.optional(DurationSchema),
  streamIdleTimeout: v.optional(DurationSchema),
});

export const ProviderPricingSchema = v.looseObject({
  inputCostPer1K: v.optional(DecimalStringSchema),
  outputCostPer1K: v.optional(DecimalStringSchema),
  cachedCostPer1K: v.optional(DecimalStringSchema),
});
export type ProviderPricing = v.InferOutput<typeof ProviderPricingSchema>;

export const ProviderSpecSchema = v.pipe(
  strictSpec({
    type: v.picklist(PROVIDER_TYPES, (issue) => `${issue.received} is not one of ${PROVIDER_TYPES.join(", ")}`),
    role: v.optional(ProviderRoleSchema, "llm"),
    model: v.optional(v.string()),
    baseURL: v.optional(v.pipe(v.string(), v.url("must be a URL"))),
    headers: v.optional(StringMapSchema),
    credential: v.optional(ProviderCredentialSchema),
    // Legacy top-level Secret reference still shown in the reference README.
    secretRef: v.optional(SecretKeyReferenceSchema),
    platform: v.optional(
      v.looseObject({
        type: v.picklist(["bedrock", "vertex", "azure"]),
        region: v.optional(v.string()),
        project: v.optional(v.string()),
        endpoint: v.optional(v.string()),
      }),
    ),
    auth: v.optional(
      v.looseObject({
        type: v.picklist(["workloadIdentity", "accessKey", "serviceAccount", "servicePrincipal"]),
        roleArn: v.optional(v.string()),
        serviceAccountEmail: v.optional(v.string()),
        credentialsSecretRef: v.optional(SecretKeyReferenceSchema),
      }),
    ),
    defaults: v.optional(ProviderDefaultsSchema),
    pricing: v.optional(ProviderPricingSchema),
    capabilities: v.optional(v.array(v.picklist(PROVIDER_CAPABILITIES))),
    tts: v.optional(v.looseObject({})),
    stt: v.optional(v.looseObject({})),
    embedding: v.optional(v.looseObject({})),
  }),
  // The reference CRD allows each role-specific block only with its role.
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const spec = dataset.value;
    for (const block of ["tts", "stt", "embedding"] as const) {
      if (spec[block] !== undefined && spec.role !== block) {
        addIssue({
          message: `only allowed when role is ${block} (role is ${spec.role})`,
          path: [{ type: "object", origin: "value", input: spec, key: block, value: spec[block] }],
        });
      }
    }
  }),
);
export type ProviderSpec = v.InferOutput<typeof ProviderSpecSchema>;

export const ProviderSchema = v.object({
  apiVersion: v.literal(OMNIA_API_VERSION),
  kind: v.literal("Provider"),
  metadata: ObjectMetaSchema,
  spec: ProviderSpecSchema,
  status: v.optional(v.unknown()),
});
export type Provider = v.InferOutput<typeof ProviderSchema>;
export type ProviderInput = v.InferInput<typeof ProviderSchema>;

// The reference's default Secret key per type, which is also the variable the provider's own SDK
// reads; the operator hands a secretRef's value to the runtime under this name.
const PROVIDER_KEY_ENV: Partial<Record<ProviderType, string>> = {
  claude: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
  gemini: "GEMINI_API_KEY",
  voyageai: "VOYAGE_API_KEY",
  huggingface: "HF_TOKEN",
};

/** The Secret key read when a credential's secretRef names no key. */
export function defaultProviderSecretKey(type: ProviderType): string {
  return PROVIDER_KEY_ENV[type] ?? "api-key";
}

/** The env var the runtime reads the provider's key from when the credential names no other. */
export function providerKeyEnvName(type: ProviderType): string {
  return PROVIDER_KEY_ENV[type] ?? "OMNIA_PROVIDER_API_KEY";
}
