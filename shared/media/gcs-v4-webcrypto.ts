// Media in Google Cloud Storage without @google-cloud/storage (Node only), for the edge: V4 signed
// URLs signed with the service account's private key through Web Crypto (RSASSA-PKCS1-v1_5,
// SHA-256), canonical request as https://cloud.google.com/storage/docs/authentication/signatures
// describes and @google-cloud/storage builds it. An upload binds what the Node adapter binds: the
// method, Content-Type and (a signed header) Content-Length. Stat, read and delete are signed URLs
// too (HEAD, GET, DELETE), so no OAuth token is needed. Portable.
import * as v from "valibot";
import { describeIssues } from "../manifests/issue-path.js";
import { contentDisposition } from "./content-disposition.js";
import { MediaError } from "./media-error.js";
import { objectKey, type MediaObject } from "./media-ids.js";
import type { MediaStorage, PresignedRequest, PresignUploadInput } from "./media-storage.js";
import { SignedObjectRequests, type SignedStore } from "./signed-object-requests.js";

export const GCS_DEFAULT_ENDPOINT = "https://storage.googleapis.com";
// The URL the Worker signs for its own stat, read and delete lives only as long as one call.
const OWN_CALL_URL_MS = 5 * 60_000;

const ServiceAccountKeySchema = v.object({
  client_email: v.pipe(v.string("must be a string"), v.email("must be the service account's email")),
  private_key: v.pipe(v.string("must be a string"), v.includes("-----BEGIN PRIVATE KEY-----", "must be a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)")),
});
export type GcsServiceAccount = v.InferOutput<typeof ServiceAccountKeySchema>;

/** A service-account key file's JSON, or an error naming what is wrong with it (never its contents). */
export function parseServiceAccountKey(json: string): GcsServiceAccount {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new Error("the service-account key is not JSON (give the key file's contents)");
  }
  const parsed = v.safeParse(ServiceAccountKeySchema, data);
  if (!parsed.success) throw new Error(`the service-account key is not usable: ${describeIssues(parsed.issues).map(({ field, message }) => `${field}: ${message}`).join("; ")}`);
  return parsed.output;
}

export interface GcsV4SignInput {
  method: "PUT" | "GET" | "HEAD" | "DELETE";
  bucket: string;
  /** The object name, unencoded. */
  objectName: string;
  /** Signed headers besides host, names lower-case. */
  headers?: Record<string, string>;
  /** Extra query parameters the signature covers (response-content-disposition). */
  query?: Record<string, string>;
  signedAt: Date;
  expiresAt: Date;
  endpoint?: string;
}

/** A V4 signed URL, parameter for parameter what File#getSignedUrl makes for the same inputs and time. */
export async function signGcsV4Url(account: GcsServiceAccount, key: CryptoKey, input: GcsV4SignInput): Promise<string> {
  const base = new URL(input.endpoint ?? GCS_DEFAULT_ENDPOINT);
  const path = `/${input.bucket}/${input.objectName.split("/").map(strictEncode).join("/")}`;
  const headers = new Map(Object.entries({ ...input.headers, host: base.host }).map(([name, value]) => [name.toLowerCase(), value.trim().replace(/\s{2,}/g, " ")]));
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(";");
  const signedSeconds = Math.floor(input.signedAt.getTime() / 1000);
  const date = googDate(new Date(signedSeconds * 1000));
  const scope = `${date.slice(0, 8)}/auto/storage/goog4_request`;
  const query: [string, string][] = [
    ["X-Goog-Algorithm", "GOOG4-RSA-SHA256"],
    ["X-Goog-Credential", `${account.client_email}/${scope}`],
    ["X-Goog-Date", date],
    ["X-Goog-Expires", String(Math.floor(input.expiresAt.getTime() / 1000) - signedSeconds)],
    ["X-Goog-SignedHeaders", signedHeaders],
    ...Object.entries(input.query ?? {}),
  ];
  const encoded = query.map(([name, value]) => `${strictEncode(name)}=${strictEncode(value)}`);
  const canonicalQuery = [...encoded].sort((a, b) => (a.split("=")[0]! < b.split("=")[0]! ? -1 : 1)).join("&");
  const canonicalHeaders = names.map((name) => `${name}:${headers.get(name) ?? ""}\n`).join("");
  const canonicalRequest = [input.method, path, canonicalQuery, canonicalHeaders, signedHeaders, "UNSIGNED-PAYLOAD"].join("\n");
  const stringToSign = ["GOOG4-RSA-SHA256", date, scope, hex(await crypto.subtle.digest("SHA-256", utf8(canonicalRequest)))].join("\n");
  const signature = hex(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, utf8(stringToSign)));
  return `${base.origin}${path}?${[...encoded, `X-Goog-Signature=${signature}`].join("&")}`;
}

/** The service account's PKCS#8 private key as a Web Crypto signing key. */
export async function importServiceAccountKey(account: GcsServiceAccount): Promise<CryptoKey> {
  const body = account.private_key.replace(/-----(BEGIN|END) PRIVATE KEY-----|\s/g, "");
  const der = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  return crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
}

export interface GcsSignedUrlMediaStorageOptions {
  bucket: string;
  prefix: string;
  account: GcsServiceAccount;
  /** Default https://storage.googleapis.com. */
  endpoint?: string;
  now?: () => number;
  /** Default the global fetch (called unbound: workerd refuses a fetch called as another object's method). */
  fetch?: typeof fetch;
}

export class GcsSignedUrlMediaStorage extends SignedObjectRequests implements MediaStorage {
  readonly type = "gcs";
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly account: GcsServiceAccount;
  private readonly endpoint: string;
  private readonly now: () => number;
  private readonly fetch: typeof fetch;
  private key: Promise<CryptoKey> | undefined;

  constructor({ bucket, prefix, account, endpoint = GCS_DEFAULT_ENDPOINT, now = () => Date.now(), fetch: fetchImpl = (input, init) => fetch(input, init) }: GcsSignedUrlMediaStorageOptions) {
    super();
    this.bucket = bucket;
    this.prefix = prefix;
    this.account = account;
    this.endpoint = endpoint;
    this.now = now;
    this.fetch = fetchImpl;
  }

  async presignUpload({ object, mimeType, sizeBytes, expiresInMs }: PresignUploadInput): Promise<PresignedRequest> {
    const signedAt = new Date(this.now());
    const expiresAt = new Date(signedAt.getTime() + expiresInMs);
    const url = await this.sign(object, "PUT", signedAt, expiresAt, { headers: { "content-type": mimeType, "content-length": String(sizeBytes) } });
    return { url, method: "PUT", headers: { "Content-Type": mimeType }, expiresAt };
  }

  async presignDownload(object: MediaObject, { expiresInMs, filename }: { expiresInMs: number; filename?: string }): Promise<PresignedRequest> {
    const signedAt = new Date(this.now());
    const expiresAt = new Date(signedAt.getTime() + expiresInMs);
    const url = await this.sign(object, "GET", signedAt, expiresAt, filename ? { query: { "response-content-disposition": contentDisposition(filename) } } : {});
    return { url, method: "GET", headers: {}, expiresAt };
  }

  protected readonly signedStore: SignedStore = {
    send: async (object, method) => {
      const signedAt = new Date(this.now());
      return this.fetch(await this.sign(object, method, signedAt, new Date(signedAt.getTime() + OWN_CALL_URL_MS), {}), { method });
    },
    failure: (operation, reason) => this.failure(operation, reason),
    refusal: async (res) => `${res.status} ${(await res.text()).slice(0, 200) || res.statusText}`,
  };

  private async sign(object: MediaObject, method: GcsV4SignInput["method"], signedAt: Date, expiresAt: Date, extra: Pick<GcsV4SignInput, "headers" | "query">): Promise<string> {
    try {
      this.key ??= importServiceAccountKey(this.account);
      const objectName = objectKey(this.prefix, object);
      return await signGcsV4Url(this.account, await this.key, { method, bucket: this.bucket, objectName, signedAt, expiresAt, endpoint: this.endpoint, ...extra });
    } catch (err) {
      if (err instanceof MediaError) throw err;
      throw this.failure("presign", `the service account's private key could not sign: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private failure(operation: string, reason: string): MediaError {
    return new MediaError("storage_failed", `GCS bucket ${this.bucket}: ${operation} failed (${reason})`);
  }
}

function googDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

function strictEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
