// Media at the edge: the Worker presigns for S3 and S3-compatible stores (R2, MinIO) with the
// portable S3 backend, for Azure (SAS) and GCS (V4 URLs) with Web Crypto signers, as their SDKs
// cannot sign in a Worker; pending uploads in the shared Redis through Upstash REST (so a pod
// confirms what the edge issued, and back) or, without it, in this isolate. Backends that cannot run in a
// Worker are refused with the reason, which clients get as MEDIA_NOT_ENABLED.
import { MediaConfigError, parseMediaConfig, type MediaConfig } from "../../shared/media/media-config.js";
import { MediaUploads } from "../../shared/media/media-uploads.js";
import { MemoryPendingUploads } from "../../shared/media/memory-pending-uploads.js";
import { AzureSasMediaStorage } from "../../shared/media/azure-sas-webcrypto.js";
import { GcsSignedUrlMediaStorage, parseServiceAccountKey } from "../../shared/media/gcs-v4-webcrypto.js";
import type { MediaStorage, MediaStorageType } from "../../shared/media/media-storage.js";
import { S3MediaStorage } from "../../shared/media/s3-media-storage.js";
import { UpstashPendingUploads } from "../../shared/media/upstash-pending-uploads.js";
import { FacadeMedia, MEDIA_NOT_CONFIGURED, PENDING_UPLOADS_KEY_PREFIX, type FacadeMediaSetting, type MediaAnnouncer, type MediaDisabled } from "../core/facade-media.js";

const LOCAL_NOT_AT_THE_EDGE = "the local media backend writes the facade's disk, which a Worker does not have; use s3 (R2, MinIO), gcs or azure at the edge";

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

/** The isolate's upload flow (stateless clients, shared by the front and every object), or why media is off. */
export type EdgeMedia = { uploads: MediaUploads; storageType: MediaStorageType } | MediaDisabled;

export function edgeMedia(config: MediaConfig, upstash: { url: string; token: string } | undefined): EdgeMedia {
  const storage = config.storage;
  if (storage.type === "none") return MEDIA_NOT_CONFIGURED;
  const store = edgeStorage(storage);
  if ("disabled" in store) return { disabled: `media storage ${storage.type} is not available at the edge: ${store.disabled}` };
  const pending = upstash ? new UpstashPendingUploads({ ...upstash, keyPrefix: PENDING_UPLOADS_KEY_PREFIX }) : new MemoryPendingUploads();
  return { uploads: new MediaUploads({ storage: store, pending, limits: config.limits }), storageType: storage.type };
}

/**
 * The media of one facade (the front, or one Durable Object). Never shared between them: its
 * listeners write to sockets, and workerd lets a socket be written only by the object holding it.
 */
export function facadeMediaOf(media: EdgeMedia, announcer?: MediaAnnouncer): FacadeMediaSetting {
  if ("disabled" in media) return media;
  return new FacadeMedia(media.uploads, media.storageType, announcer ? { announcer } : {});
}

function edgeStorage(storage: Exclude<MediaConfig["storage"], { type: "none" }>): MediaStorage | { disabled: string } {
  switch (storage.type) {
    case "local":
      return { disabled: LOCAL_NOT_AT_THE_EDGE };
    case "s3":
      if (!storage.credentials) return { disabled: "it needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (wrangler secret put): a Worker has no AWS credential chain" };
      return new S3MediaStorage(storage);
    case "azure":
      if (!storage.key) return { disabled: "it needs OMNIA_MEDIA_AZURE_KEY (wrangler secret put): user delegation SAS needs an Entra ID token, which a Worker has no identity to get" };
      return new AzureSasMediaStorage({ ...storage, key: storage.key });
    case "gcs": {
      // A Worker has no files: GOOGLE_APPLICATION_CREDENTIALS holds the key file's contents there.
      if (!storage.keyFilename) return { disabled: "it needs GOOGLE_APPLICATION_CREDENTIALS set to the service-account key file's JSON (wrangler secret put GOOGLE_APPLICATION_CREDENTIALS < key.json)" };
      try {
        return new GcsSignedUrlMediaStorage({ ...storage, account: parseServiceAccountKey(storage.keyFilename) });
      } catch (err) {
        return { disabled: `GOOGLE_APPLICATION_CREDENTIALS: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
  }
}
