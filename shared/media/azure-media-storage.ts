// Media in Azure Blob Storage through @azure/storage-blob, whose types stay in this file. URLs are
// SAS: signed with the account key, or, without one, with a user delegation key obtained through
// a token credential (the pod's managed or workload identity). A SAS binds the permissions (create
// and write for an upload, read for a download) and the expiry, not the content type or length:
// confirming an upload checks both against the stored blob.
import type { TokenCredential } from "@azure/core-auth";
import { BlobSASPermissions, BlobServiceClient, RestError, StorageSharedKeyCredential, type UserDelegationKey } from "@azure/storage-blob";
import { contentDisposition } from "./content-disposition.js";
import { MediaError } from "./media-error.js";
import { objectKey, type MediaObject } from "./media-ids.js";
import type { MediaStorage, PresignedRequest, PresignUploadInput, StoredObject } from "./media-storage.js";

export interface AzureMediaStorageOptions {
  account: string;
  container: string;
  prefix: string;
  /** The account key (OMNIA_MEDIA_AZURE_KEY); without it, `credential` and user delegation SAS. */
  key?: string;
  credential?: TokenCredential;
  /** Default https://{account}.blob.core.windows.net; Azurite is http://host:port/{account}. */
  endpoint?: string;
  now?: () => number;
}

// A user delegation key is fetched once and reused while it outlives the URL being signed by this margin.
const DELEGATION_KEY_LIFETIME_MS = 6 * 3_600_000;
const CLOCK_SKEW_MS = 5 * 60_000;

export class AzureMediaStorage implements MediaStorage {
  readonly type = "azure";
  private readonly service: BlobServiceClient;
  private readonly container: string;
  private readonly prefix: string;
  private readonly delegated: boolean;
  private readonly now: () => number;
  private delegationKey: Promise<UserDelegationKey> | undefined;

  constructor({ account, container, prefix, key, credential, endpoint, now = Date.now }: AzureMediaStorageOptions) {
    const url = endpoint ?? `https://${account}.blob.core.windows.net`;
    if (key !== undefined) {
      this.service = new BlobServiceClient(url, new StorageSharedKeyCredential(account, key));
    } else if (credential !== undefined) {
      this.service = new BlobServiceClient(url, credential);
    } else {
      throw new Error(`Azure media storage for account ${account}: set OMNIA_MEDIA_AZURE_KEY, or give a token credential for user delegation SAS`);
    }
    this.delegated = key === undefined;
    this.container = container;
    this.prefix = prefix;
    this.now = now;
  }

  async presignUpload({ object, mimeType, expiresInMs }: PresignUploadInput): Promise<PresignedRequest> {
    const expiresAt = new Date(this.now() + expiresInMs);
    const url = await this.sasUrl(object, { permissions: BlobSASPermissions.parse("cw"), expiresOn: expiresAt });
    return { url, method: "PUT", headers: { "Content-Type": mimeType, "x-ms-blob-type": "BlockBlob" }, expiresAt };
  }

  async presignDownload(object: MediaObject, { expiresInMs, filename }: { expiresInMs: number; filename?: string }): Promise<PresignedRequest> {
    const expiresAt = new Date(this.now() + expiresInMs);
    const url = await this.sasUrl(object, {
      permissions: BlobSASPermissions.parse("r"),
      expiresOn: expiresAt,
      ...(filename ? { contentDisposition: contentDisposition(filename) } : {}),
    });
    return { url, method: "GET", headers: {}, expiresAt };
  }

  async stat(object: MediaObject): Promise<StoredObject | null> {
    try {
      const props = await this.blob(object).getProperties();
      return { sizeBytes: props.contentLength ?? 0, mimeType: props.contentType ?? "application/octet-stream" };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw this.failure("stat", err);
    }
  }

  async read(object: MediaObject): Promise<Uint8Array> {
    try {
      return new Uint8Array(await this.blob(object).downloadToBuffer());
    } catch (err) {
      if (isNotFound(err)) throw new MediaError("not_found", `media ${object.mediaId} of session ${object.sessionId} does not exist`);
      throw this.failure("read", err);
    }
  }

  async delete(object: MediaObject): Promise<void> {
    try {
      await this.blob(object).deleteIfExists();
    } catch (err) {
      throw this.failure("delete", err);
    }
  }

  private blob(object: MediaObject) {
    return this.service.getContainerClient(this.container).getBlockBlobClient(objectKey(this.prefix, object));
  }

  private async sasUrl(object: MediaObject, options: { permissions: BlobSASPermissions; expiresOn: Date; contentDisposition?: string }): Promise<string> {
    // Starting a little in the past keeps a URL valid on a store whose clock runs behind ours.
    const sas = { ...options, startsOn: new Date(this.now() - CLOCK_SKEW_MS) };
    try {
      if (!this.delegated) return await this.blob(object).generateSasUrl(sas);
      return await this.blob(object).generateUserDelegationSasUrl(sas, await this.userDelegationKey(options.expiresOn));
    } catch (err) {
      throw this.failure("presign", err);
    }
  }

  private async userDelegationKey(until: Date): Promise<UserDelegationKey> {
    const cached = this.delegationKey && (await this.delegationKey.catch(() => undefined));
    if (cached && cached.signedExpiresOn.getTime() >= until.getTime()) return cached;
    const startsOn = new Date(this.now() - CLOCK_SKEW_MS);
    const expiresOn = new Date(Math.max(until.getTime(), this.now() + DELEGATION_KEY_LIFETIME_MS));
    this.delegationKey = this.service.getUserDelegationKey(startsOn, expiresOn);
    return this.delegationKey;
  }

  private failure(operation: string, err: unknown): MediaError {
    const reason = err instanceof RestError ? `${err.statusCode ?? "no status"} ${err.code ?? ""} ${err.message.split("\n")[0] ?? ""}`.trim() : err instanceof Error ? err.message : String(err);
    return new MediaError("storage_failed", `Azure container ${this.container}: ${operation} failed (${reason})`);
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof RestError && err.statusCode === 404;
}
