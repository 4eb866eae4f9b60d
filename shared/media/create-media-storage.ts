// Builds the configured MediaStorage (Node only: it can build every backend, the local disk and
// GCS among them). An edge entry builds S3MediaStorage itself instead, keeping the others out of
// its bundle.
import type { TokenCredential } from "@azure/core-auth";
import { AzureMediaStorage } from "./azure-media-storage.js";
import { GcsMediaStorage } from "./gcs-media-storage.js";
import { LocalMediaStorage } from "./local-media-storage.js";
import type { MediaStorageConfig } from "./media-config.js";
import type { MediaStorage } from "./media-storage.js";
import { S3MediaStorage } from "./s3-media-storage.js";

export interface CreatedMediaStorage {
  storage: MediaStorage;
  /** Set when the storage is the local disk: the facade serves its uploads and downloads. */
  local?: LocalMediaStorage;
}

/** undefined when media is off (type none). `azureCredential` serves user delegation SAS when no account key is set. */
export function createMediaStorage(config: MediaStorageConfig, opts: { azureCredential?: TokenCredential } = {}): CreatedMediaStorage | undefined {
  switch (config.type) {
    case "none":
      return undefined;
    case "local": {
      const local = new LocalMediaStorage({ root: config.path, baseUrl: config.baseUrl });
      return { storage: local, local };
    }
    case "s3":
      return { storage: new S3MediaStorage(config) };
    case "gcs":
      return { storage: new GcsMediaStorage(config) };
    case "azure":
      return { storage: new AzureMediaStorage({ ...config, ...(opts.azureCredential ? { credential: opts.azureCredential } : {}) }) };
  }
}
