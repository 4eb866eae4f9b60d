// Media in Azure Blob Storage without @azure/storage-blob, for the edge: the SDK's browser build has
// no StorageSharedKeyCredential, so the service SAS is signed here with the account key through Web
// Crypto (HMAC-SHA256), following the string-to-sign of "Create a service SAS" for the SAS version
// the Node SDK uses, and the blob is stat'ed, read and deleted with fetch and a short-lived SAS.
// Binds what the Node adapter binds: permissions (cw upload, r read, d delete) and expiry. Portable.
import { contentDisposition } from "./content-disposition.js";
import { MediaError } from "./media-error.js";
import { objectKey, type MediaObject } from "./media-ids.js";
import type { MediaStorage, PresignedRequest, PresignUploadInput } from "./media-storage.js";
import { SignedObjectRequests, type SignedStore } from "./signed-object-requests.js";

/** The SAS version @azure/storage-blob signs with (its SERVICE_VERSION); a test compares both URLs. */
export const AZURE_SAS_VERSION = "2026-10-06";
const CLOCK_SKEW_MS = 5 * 60_000;
// The SAS the Worker makes for its own stat, read and delete calls lives only as long as one call.
const OWN_CALL_SAS_MS = 5 * 60_000;

export interface BlobSasInput {
  account: string;
  /** The account key as Azure shows it (base64). */
  key: string;
  container: string;
  blobName: string;
  /** In the order Azure requires (racwd...): "cw", "r", "d". */
  permissions: string;
  startsOn: Date;
  expiresOn: Date;
  /** Served as the response's Content-Disposition (rscd). */
  contentDisposition?: string;
}

/** The SAS query string (no leading `?`), field for field what generateBlobSASQueryParameters makes. */
export async function blobSasQuery(input: BlobSasInput): Promise<string> {
  const start = sasTime(input.startsOn);
  const expiry = sasTime(input.expiresOn);
  const stringToSign = [
    input.permissions,
    start,
    expiry,
    `/blob/${input.account}/${input.container}/${input.blobName}`,
    "", // signed identifier
    "", // signed IP
    "", // signed protocol
    AZURE_SAS_VERSION,
    "b", // signed resource: a blob
    "", // snapshot time
    "", // encryption scope
    "", // rscc
    input.contentDisposition ?? "",
    "", // rsce
    "", // rscl
    "", // rsct
  ].join("\n");
  const signature = await hmacSha256Base64(input.key, stringToSign);
  const params: [string, string | undefined][] = [
    ["sv", AZURE_SAS_VERSION],
    ["st", start],
    ["se", expiry],
    ["sr", "b"],
    ["sp", input.permissions],
    ["rscd", input.contentDisposition],
    ["sig", signature],
  ];
  return params
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "")
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join("&");
}

export interface AzureSasMediaStorageOptions {
  account: string;
  container: string;
  prefix: string;
  key: string;
  /** Default https://{account}.blob.core.windows.net; Azurite is http://host:port/{account}. */
  endpoint?: string;
  now?: () => number;
  /** Default the global fetch (called unbound: workerd refuses a fetch called as another object's method). */
  fetch?: typeof fetch;
}

export class AzureSasMediaStorage extends SignedObjectRequests implements MediaStorage {
  readonly type = "azure";
  private readonly account: string;
  private readonly container: string;
  private readonly prefix: string;
  private readonly key: string;
  private readonly endpoint: string;
  private readonly now: () => number;
  private readonly fetch: typeof fetch;

  constructor({ account, container, prefix, key, endpoint, now = () => Date.now(), fetch: fetchImpl = (input, init) => fetch(input, init) }: AzureSasMediaStorageOptions) {
    super();
    this.account = account;
    this.container = container;
    this.prefix = prefix;
    this.key = key;
    this.endpoint = (endpoint ?? `https://${account}.blob.core.windows.net`).replace(/\/+$/, "");
    this.now = now;
    this.fetch = fetchImpl;
  }

  async presignUpload({ object, mimeType, expiresInMs }: PresignUploadInput): Promise<PresignedRequest> {
    const expiresAt = new Date(this.now() + expiresInMs);
    const url = await this.sasUrl(object, "cw", expiresAt);
    return { url, method: "PUT", headers: { "Content-Type": mimeType, "x-ms-blob-type": "BlockBlob" }, expiresAt };
  }

  async presignDownload(object: MediaObject, { expiresInMs, filename }: { expiresInMs: number; filename?: string }): Promise<PresignedRequest> {
    const expiresAt = new Date(this.now() + expiresInMs);
    const url = await this.sasUrl(object, "r", expiresAt, filename ? contentDisposition(filename) : undefined);
    return { url, method: "GET", headers: {}, expiresAt };
  }

  protected readonly signedStore: SignedStore = {
    // Read (r) for HEAD and GET, delete (d) for DELETE: each own request may do only its one thing.
    send: async (object, method) =>
      this.fetch(await this.sasUrl(object, method === "DELETE" ? "d" : "r", new Date(this.now() + OWN_CALL_SAS_MS)), { method, headers: { "x-ms-version": AZURE_SAS_VERSION } }),
    failure: (operation, reason) => this.failure(operation, reason),
    refusal: errorOf,
  };

  private async sasUrl(object: MediaObject, permissions: string, expiresOn: Date, disposition?: string): Promise<string> {
    const blobName = objectKey(this.prefix, object);
    // Starting a little in the past keeps a URL valid on a store whose clock runs behind ours.
    const sas = await blobSasQuery({
      account: this.account,
      key: this.key,
      container: this.container,
      blobName,
      permissions,
      startsOn: new Date(this.now() - CLOCK_SKEW_MS),
      expiresOn,
      ...(disposition ? { contentDisposition: disposition } : {}),
    });
    const path = [this.container, ...blobName.split("/")].map(encodeURIComponent).join("/");
    // Through URL, as the SDK's URL goes: it percent-encodes the ' a filename* carries.
    return new URL(`${this.endpoint}/${path}?${sas}`).href;
  }

  private failure(operation: string, reason: string): MediaError {
    return new MediaError("storage_failed", `Azure container ${this.container}: ${operation} failed (${reason})`);
  }
}

/** Azure's SAS time format: ISO 8601 to the second. */
function sasTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

async function hmacSha256Base64(base64Key: string, text: string): Promise<string> {
  let keyBytes: Uint8Array<ArrayBuffer>;
  try {
    keyBytes = Uint8Array.from(atob(base64Key), (c) => c.charCodeAt(0));
  } catch {
    throw new MediaError("storage_failed", "OMNIA_MEDIA_AZURE_KEY is not base64 (copy the account key as the portal shows it)");
  }
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...mac));
}

async function errorOf(res: Response): Promise<string> {
  const body = await res.text();
  const message = /<Message>([^<\n]*)/.exec(body)?.[1];
  return `${res.status} ${res.headers.get("x-ms-error-code") ?? res.statusText}${message ? ` ${message}` : ""}`;
}
