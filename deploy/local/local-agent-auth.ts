// Local mode's part of issue 8: each AgentRuntime's `spec.externalAuth` for the one facade that
// serves them all (OMNIA_AGENT_AUTH), and the clientKeys Secret it names written out as its pod
// would mount it, so the facade reads and watches keys exactly as in a cluster.
import { join } from "node:path";
import type { ManifestSet } from "../../shared/manifests/manifest-set.js";
import type { ResolvedAgent } from "../../shared/manifests/resolve-agent.js";
import { secretValue } from "../../shared/manifests/secret.js";
import { writeMountedSecret } from "./mounted-secret.js";

export interface LocalAgentAuth {
  /** OMNIA_AGENT_AUTH for the facade; undefined when no agent configures auth. */
  env: string | undefined;
  /** By agent key: where its clientKeys Secret is mounted (edit it with writeMountedSecret). */
  keysDirs: Map<string, string>;
}

export function prepareAgentAuth(set: ManifestSet, agents: readonly ResolvedAgent[], stateDir: string): LocalAgentAuth {
  const entries: Record<string, { externalAuth: unknown; keysDir?: string }> = {};
  const keysDirs = new Map<string, string>();
  for (const { agent } of agents) {
    const externalAuth = agent.spec.externalAuth;
    if (!externalAuth) continue;
    const { namespace, name } = agent.metadata;
    const key = `${namespace}/${name}`;
    const secretName = externalAuth.clientKeys?.secretRef.name;
    if (secretName === undefined) {
      entries[key] = { externalAuth };
      continue;
    }
    const secret = set.secrets.get(`${namespace}/${secretName}`);
    if (!secret) throw new Error(`AgentRuntime ${key}: spec.externalAuth.clientKeys.secretRef names Secret ${namespace}/${secretName}, which is not among the manifests`);
    const values: Record<string, string> = {};
    for (const entry of new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})])) {
      values[entry] = secretValue(secret, entry) ?? "";
    }
    const keysDir = join(stateDir, "auth-keys", namespace, name);
    writeMountedSecret(keysDir, values);
    keysDirs.set(key, keysDir);
    entries[key] = { externalAuth, keysDir };
  }
  return { env: Object.keys(entries).length > 0 ? JSON.stringify(entries) : undefined, keysDirs };
}
