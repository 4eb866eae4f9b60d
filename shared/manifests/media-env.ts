// spec.media.storage as the reference's OMNIA_MEDIA_* variables, the same for the facade (which
// presigns) and the runtime (which reads the bytes). The credentials are not here: they come from
// the Secret named by storage.secretRef (the operator gives its keys to both containers as env).
import type { AgentRuntime } from "./agent-runtime.js";

/** Where the local backend keeps files in a pod (an emptyDir both containers mount), as the reference. */
export const DEFAULT_LOCAL_MEDIA_PATH = "/var/lib/omnia/media";

export function renderMediaEnv(agent: AgentRuntime): Record<string, string> {
  const storage = agent.spec.media?.storage;
  const allowed = agent.spec.console?.allowedAttachmentTypes;
  if (!storage || storage.type === "none") return {};
  const values: Record<string, string | undefined> = {
    OMNIA_MEDIA_STORAGE_TYPE: storage.type,
    OMNIA_MEDIA_MAX_FILE_SIZE: storage.maxFileSizeBytes?.toString(),
    OMNIA_MEDIA_DEFAULT_TTL: storage.defaultTTL,
    OMNIA_MEDIA_UPLOAD_URL_TTL: storage.uploadURLTTL,
    OMNIA_MEDIA_DOWNLOAD_URL_TTL: storage.downloadURLTTL,
    OMNIA_MEDIA_ALLOWED_TYPES: allowed && allowed.length > 0 ? allowed.join(",") : undefined,
  };
  switch (storage.type) {
    case "local":
      Object.assign(values, { OMNIA_MEDIA_STORAGE_PATH: storage.local?.path ?? DEFAULT_LOCAL_MEDIA_PATH, OMNIA_MEDIA_STORAGE_BASE_URL: storage.local?.baseURL });
      break;
    case "s3":
      Object.assign(values, {
        OMNIA_MEDIA_S3_BUCKET: storage.s3?.bucket,
        OMNIA_MEDIA_S3_REGION: storage.s3?.region,
        OMNIA_MEDIA_S3_PREFIX: storage.s3?.prefix,
        OMNIA_MEDIA_S3_ENDPOINT: storage.s3?.endpoint,
      });
      break;
    case "gcs":
      Object.assign(values, { OMNIA_MEDIA_GCS_BUCKET: storage.gcs?.bucket, OMNIA_MEDIA_GCS_PREFIX: storage.gcs?.prefix });
      break;
    case "azure":
      Object.assign(values, {
        OMNIA_MEDIA_AZURE_ACCOUNT: storage.azure?.account,
        OMNIA_MEDIA_AZURE_CONTAINER: storage.azure?.container,
        OMNIA_MEDIA_AZURE_PREFIX: storage.azure?.prefix,
        OMNIA_MEDIA_AZURE_ENDPOINT: storage.azure?.endpoint,
      });
      break;
  }
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
