// Media in local mode: the agent's spec.media.storage as its pod would get it (OMNIA_MEDIA_*), and
// when it sets none and `defaultLocal` asks for it (`npm start`), the local backend, so local mode
// takes attachments out of the box. The local
// backend's files live under the state directory instead of the pod's /var/lib/omnia/media; the
// facade and the runtime get the same variables, so both read one store.
import { join } from "node:path";
import { renderMediaEnv } from "../../shared/manifests/media-env.js";
import type { ResolvedAgent } from "../../shared/manifests/resolve-agent.js";

export function localMediaEnv(agent: ResolvedAgent | undefined, stateDir: string, defaultLocal: boolean): Record<string, string> {
  const rendered = agent ? renderMediaEnv(agent.agent) : {};
  const env: Record<string, string> = Object.keys(rendered).length > 0 || !defaultLocal ? rendered : { OMNIA_MEDIA_STORAGE_TYPE: "local" };
  if (env.OMNIA_MEDIA_STORAGE_TYPE !== "local") return env;
  return { ...env, OMNIA_MEDIA_STORAGE_PATH: join(stateDir, "media") };
}
