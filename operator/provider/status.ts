// Provider status: is a credential source configured (or does the type need none), and, when it is a
// Secret, does that Secret exist with the key. Pure: the Secret, the time and the previous conditions
// are inputs. The key is checked for presence only; whether it works is for a later CredentialValid.
import { defaultProviderSecretKey, type Provider, type ProviderType } from "../../shared/manifests/provider.js";
import { type Condition, type ConditionUpdate, mergeConditions } from "../agent-runtime/conditions.js";

export const PROVIDER_CONDITIONS = { secretFound: "SecretFound", credentialConfigured: "CredentialConfigured" } as const;

export type ProviderPhase = "Ready" | "Error" | "Unavailable";

/** Types that run without a credential (a scripted mock, a local model server). */
export const KEYLESS_PROVIDER_TYPES: readonly ProviderType[] = ["mock", "ollama"];

export interface ProviderStatusInputs {
  provider: Provider;
  /** The Secret named by the credential's secretRef (its data or stringData keys), or undefined when it does not exist. */
  secret: { data?: Record<string, string> | undefined; stringData?: Record<string, string> | undefined } | undefined;
  previousConditions?: readonly Condition[];
  /** RFC 3339. */
  now: string;
}

export interface ProviderStatus {
  phase: ProviderPhase;
  conditions: Condition[];
  observedGeneration?: number;
}

/** The Secret a Provider reads its key from (`credential.secretRef`, else the legacy `spec.secretRef`), with the key defaulted. */
export function providerSecretRef(provider: Provider): { name: string; key: string } | undefined {
  const ref = provider.spec.credential?.secretRef ?? provider.spec.secretRef;
  return ref && { name: ref.name, key: ref.key ?? defaultProviderSecretKey(provider.spec.type) };
}

function credentialCondition(provider: Provider): ConditionUpdate {
  const type = PROVIDER_CONDITIONS.credentialConfigured;
  const { credential, secretRef, auth, platform } = provider.spec;
  if (credential?.secretRef ?? secretRef) return { type, status: "True", reason: "SecretRef", message: "the key is read from a Secret" };
  if (credential?.envVar !== undefined) return { type, status: "True", reason: "EnvVar", message: `the key is read from env var ${credential.envVar}` };
  if (credential?.filePath !== undefined) return { type, status: "True", reason: "FilePath", message: `the key is read from ${credential.filePath}` };
  if (auth !== undefined) return { type, status: "True", reason: "PlatformAuth", message: `authenticates with ${auth.type}${platform ? ` on ${platform.type}` : ""}` };
  if (KEYLESS_PROVIDER_TYPES.includes(provider.spec.type)) return { type, status: "True", reason: "NotRequired", message: `type ${provider.spec.type} needs no credential` };
  return {
    type,
    status: "False",
    reason: "NoCredential",
    message: `type ${provider.spec.type} needs a credential: set spec.credential.secretRef (a Secret with key ${defaultProviderSecretKey(provider.spec.type)}), envVar or filePath`,
  };
}

/** Whether the Secret exists and holds the key: the Provider's SecretFound, and what an agent using it needs to start. */
export function providerSecretCondition(provider: Provider, ref: { name: string; key: string }, secret: ProviderStatusInputs["secret"]): ConditionUpdate {
  const type = PROVIDER_CONDITIONS.secretFound;
  const { namespace } = provider.metadata;
  if (!secret) return { type, status: "False", reason: "SecretNotFound", message: `Secret "${ref.name}" not found in namespace ${namespace}` };
  if (secret.data?.[ref.key] === undefined && secret.stringData?.[ref.key] === undefined) {
    return { type, status: "False", reason: "KeyNotFound", message: `Secret "${ref.name}" has no key ${ref.key}` };
  }
  return { type, status: "True", reason: "SecretFound", message: `Secret "${ref.name}" has key ${ref.key}` };
}

export function providerStatus(inputs: ProviderStatusInputs): ProviderStatus {
  const { provider } = inputs;
  const generation = typeof provider.metadata.generation === "number" ? provider.metadata.generation : undefined;
  const ref = providerSecretRef(provider);
  const parts: ConditionUpdate[] = [...(ref ? [providerSecretCondition(provider, ref, inputs.secret)] : []), credentialCondition(provider)];
  return {
    phase: parts.every((c) => c.status === "True") ? "Ready" : "Error",
    conditions: mergeConditions(inputs.previousConditions, parts, inputs.now, generation),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
}
