// What spec.media.storage adds to the pod, the same in both containers (the facade presigns and
// receives local uploads, the runtime reads the bytes): the local backend's files on an emptyDir
// they share, and the store's credentials from the Secret storage.secretRef names: its keys as env
// (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for s3, OMNIA_MEDIA_AZURE_KEY for azure), or, for gcs,
// its key `key.json` as the service-account file GOOGLE_APPLICATION_CREDENTIALS names.
import type { V1EnvFromSource, V1EnvVar, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import type { AgentRuntime } from "../../shared/manifests/agent-runtime.js";
import { DEFAULT_LOCAL_MEDIA_PATH } from "../../shared/manifests/media-env.js";

const MEDIA_VOLUME = "media";
const CREDENTIALS_VOLUME = "media-credentials";
const CREDENTIALS_DIR = "/etc/omnia/media-credentials";
export const GCS_KEY_FILE = "key.json";

export interface MediaPodParts {
  volumes: V1Volume[];
  mounts: V1VolumeMount[];
  env: V1EnvVar[];
  envFrom: V1EnvFromSource[];
}

export function mediaPodParts(agent: AgentRuntime): MediaPodParts {
  const parts: MediaPodParts = { volumes: [], mounts: [], env: [], envFrom: [] };
  const storage = agent.spec.media?.storage;
  if (!storage || storage.type === "none") return parts;
  if (storage.type === "local") {
    parts.volumes.push({ name: MEDIA_VOLUME, emptyDir: {} });
    parts.mounts.push({ name: MEDIA_VOLUME, mountPath: storage.local?.path ?? DEFAULT_LOCAL_MEDIA_PATH });
  }
  const secret = storage.secretRef?.name;
  if (secret === undefined) return parts;
  if (storage.type === "gcs") {
    parts.volumes.push({ name: CREDENTIALS_VOLUME, secret: { secretName: secret, items: [{ key: GCS_KEY_FILE, path: GCS_KEY_FILE }] } });
    parts.mounts.push({ name: CREDENTIALS_VOLUME, mountPath: CREDENTIALS_DIR, readOnly: true });
    parts.env.push({ name: "GOOGLE_APPLICATION_CREDENTIALS", value: `${CREDENTIALS_DIR}/${GCS_KEY_FILE}` });
  } else {
    parts.envFrom.push({ secretRef: { name: secret } });
  }
  return parts;
}
