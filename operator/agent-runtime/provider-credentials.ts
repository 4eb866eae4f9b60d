// The LLM provider's API key as a container env var taken from its Secret. Key defaults follow the
// reference (ANTHROPIC_API_KEY for claude, …, else api-key); the variable is the one each
// provider's SDK reads, so the runtime finds it without further configuration.
import type { V1EnvVar } from "@kubernetes/client-node";
import { defaultProviderSecretKey, type Provider, providerKeyEnvName } from "../../shared/manifests/provider.js";

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
      name: providerKeyEnvName(type),
      valueFrom: { secretKeyRef: { name: ref.name, key: ref.key ?? defaultProviderSecretKey(type) } },
    },
  ];
}
