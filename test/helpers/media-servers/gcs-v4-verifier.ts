// What Cloud Storage does with a request to a V4 signed URL, for tests (no GCS emulator runs here):
// rebuild the canonical request from the request as sent (method, path, query, the signed headers'
// values), and check the RSA-SHA256 signature with the service account's public key and the expiry.
// A request whose method, Content-Type or length differs from what was signed fails, as at GCS.
// Follows https://cloud.google.com/storage/docs/authentication/signatures.
import { createHash, createVerify, type KeyObject } from "node:crypto";

export interface SentRequest {
  method: string;
  url: string;
  /** The request's headers (any case); Host comes from the URL. */
  headers: Record<string, string>;
}

export type Verdict = { ok: true; signedHeaders: string[]; expiresAt: Date } | { ok: false; reason: string };

export function verifyGcsV4Request(request: SentRequest, publicKey: KeyObject, now: Date = new Date()): Verdict {
  const url = new URL(request.url);
  const query = url.searchParams;
  const signature = query.get("X-Goog-Signature");
  const algorithm = query.get("X-Goog-Algorithm");
  const credential = query.get("X-Goog-Credential");
  const date = query.get("X-Goog-Date");
  const expires = query.get("X-Goog-Expires");
  const signedHeaderList = query.get("X-Goog-SignedHeaders");
  if (!signature || algorithm !== "GOOG4-RSA-SHA256" || !credential || !date || !expires || !signedHeaderList) {
    return { ok: false, reason: "not a V4 signed URL" };
  }
  const signedAt = parseGoogDate(date);
  const expiresAt = new Date(signedAt.getTime() + Number(expires) * 1000);
  if (now.getTime() > expiresAt.getTime()) return { ok: false, reason: `ExpiredToken: the URL expired at ${expiresAt.toISOString()}` };

  const headers = new Map<string, string>([["host", url.host]]);
  for (const [name, value] of Object.entries(request.headers)) headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, " "));
  const signedHeaders = signedHeaderList.split(";");
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${headers.get(name) ?? ""}\n`).join("");
  const canonicalQuery = [...query.entries()]
    .filter(([name]) => name !== "X-Goog-Signature")
    .map(([name, value]) => [strictEncode(name), strictEncode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  const canonicalRequest = [request.method, url.pathname, canonicalQuery, canonicalHeaders, signedHeaderList, "UNSIGNED-PAYLOAD"].join("\n");
  const scope = credential.split("/").slice(1).join("/");
  const stringToSign = ["GOOG4-RSA-SHA256", date, scope, createHash("sha256").update(canonicalRequest).digest("hex")].join("\n");
  const valid = createVerify("RSA-SHA256").update(stringToSign).verify(publicKey, Buffer.from(signature, "hex"));
  return valid ? { ok: true, signedHeaders, expiresAt } : { ok: false, reason: "SignatureDoesNotMatch" };
}

function parseGoogDate(text: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) throw new Error(`X-Goog-Date ${text} is not YYYYMMDDTHHMMSSZ`);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

function strictEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
