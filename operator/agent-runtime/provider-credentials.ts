// The LLM provider's API key as a container env var taken from its Secret. Key defaults follow the
// reference (ANTHROPIC_API_KEY for claude, …, else api-key); the variable is the one each
// provider's SDK reads, so the runtime finds it without further configuration.
import type { V1EnvVar } from "@kubernetes/client-node";
import type { Provider, ProviderType } from "../../shared/manifests/provider.js";

const KEY_ENV: Partial<Record<ProviderType, string>> = {
  claude: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
  gemini: "GEMINI_API_KEY",
  voyageai: "VOYAGE_API_KEY",
  huggingface: "HF_TOKEN",
};

/** The Secret key read when a secretRef names no key. */
export function defaultSecretKey(type: ProviderType): string {
  return KEY_ENV[type] ?? "api-key";
}

/** The env var the key is given as. */
export function credentialEnvName(type: ProviderType): string {
  return KEY_ENV[type] ?? "OMNIA_PROVIDER_API_KEY";
}

/**
 * The env var carrying the provider's key, or none: the mock needs no key, and `envVar`/`filePath`
 * credentials are already in the container (extraEnv, a mounted volume).
 */
export function providerCredentialEnv(provider: Provider): V1EnvVar[] {
  const { type, credential, secretRef: legacyRef } = provider.spec;
  const ref = credential?.secretRef ?? legacyRef;
  if (type === "mock" || ref === undefined) return [];
  return [
    {
      name: credentialEnvName(type),
      valueFrom: { secretKeyRef: { name: ref.name, key: ref.key ?? defaultSecretKey(type) } },
    },
  ];
}
