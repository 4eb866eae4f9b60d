// Media at the edge: the Worker presigns for S3 and S3-compatible stores (R2, MinIO) with the
// portable S3 backend, pending uploads in the shared Redis through Upstash REST (so a pod confirms
// what the edge issued, and back) or, without it, in this isolate. Backends that cannot run in a
// Worker are refused with the reason, which clients get as MEDIA_NOT_ENABLED.
import { MediaConfigError, parseMediaConfig, type MediaConfig } from "../../shared/media/media-config.js";
import { MediaUploads } from "../../shared/media/media-uploads.js";
import { MemoryPendingUploads } from "../../shared/media/memory-pending-uploads.js";
import { S3MediaStorage } from "../../shared/media/s3-media-storage.js";
import { UpstashPendingUploads } from "../../shared/media/upstash-pending-uploads.js";
import { FacadeMedia, MEDIA_NOT_CONFIGURED, PENDING_UPLOADS_KEY_PREFIX, type FacadeMediaSetting } from "../core/facade-media.js";

const NOT_AT_THE_EDGE: Record<"local" | "gcs" | "azure", string> = {
  local: "the local media backend writes the facade's disk, which a Worker does not have; use s3 (R2, MinIO) at the edge",
  gcs: "GCS V4 signed URLs need @google-cloud/storage, which is Node only; use s3 at the edge (GCS serves S3-compatible HMAC keys)",
  azure: "Azure SAS with an account key needs @azure/storage-blob's StorageSharedKeyCredential, which its browser build lacks; use s3 at the edge",
};

/** OMNIA_MEDIA_* from the Worker's vars and secrets, or what is wrong with them (each naming its variable). */
export function edgeMediaConfig(env: Record<string, unknown>): MediaConfig | { problems: string[] } {
  const strings = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  const allowed = strings.OMNIA_MEDIA_ALLOWED_TYPES?.split(",").map((t) => t.trim()).filter(Boolean);
  try {
    return parseMediaConfig(strings, allowed && allowed.length > 0 ? { allowedMimeTypes: allowed } : {});
  } catch (err) {
    if (err instanceof MediaConfigError) return { problems: err.problems };
    throw err;
  }
}

export function edgeMedia(config: MediaConfig, upstash: { url: string; token: string } | undefined): FacadeMediaSetting {
  const storage = config.storage;
  if (storage.type === "none") return MEDIA_NOT_CONFIGURED;
  if (storage.type !== "s3") return { disabled: `media storage ${storage.type} is not available at the edge: ${NOT_AT_THE_EDGE[storage.type]}` };
  if (!storage.credentials) {
    return { disabled: "media storage s3 at the edge needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (wrangler secret put): a Worker has no AWS credential chain" };
  }
  const pending = upstash ? new UpstashPendingUploads({ ...upstash, keyPrefix: PENDING_UPLOADS_KEY_PREFIX }) : new MemoryPendingUploads();
  return new FacadeMedia(new MediaUploads({ storage: new S3MediaStorage(storage), pending, limits: config.limits }), "s3");
}
