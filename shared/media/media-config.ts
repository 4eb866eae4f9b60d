// The media configuration from the reference's OMNIA_MEDIA_* variables (omnia-notes.md section 4),
// which the operator renders from spec.media.storage and both the facade and the runtime read.
// Parsed once at start; an error names every bad variable. Portable (takes the env as a record).
import * as v from "valibot";
import { parseDuration } from "../config/duration.js";
import { issuePath, issueMessage } from "../manifests/issue-path.js";
import { DEFAULT_ALLOWED_MIME_TYPES, isMimeType } from "./mime-types.js";

export interface MediaLimits {
  maxFileSizeBytes: number;
  /** How long media is kept after its upload is requested. */
  mediaTtlMs: number;
  uploadUrlTtlMs: number;
  downloadUrlTtlMs: number;
  /** Exact types or wildcards (`image/*`); from spec.console.allowedAttachmentTypes. */
  allowedMimeTypes: readonly string[];
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type MediaStorageConfig =
  | { type: "none" }
  | { type: "local"; path: string; baseUrl: string }
  | { type: "s3"; bucket: string; region: string; prefix: string; endpoint?: string; credentials?: S3Credentials }
  | { type: "gcs"; bucket: string; prefix: string; keyFilename?: string }
  | { type: "azure"; account: string; container: string; prefix: string; key?: string; endpoint?: string };

export interface MediaConfig {
  storage: MediaStorageConfig;
  limits: MediaLimits;
}

export const MEDIA_DEFAULTS = {
  maxFileSizeBytes: 100 * 1024 * 1024,
  mediaTtlMs: 24 * 3_600_000,
  uploadUrlTtlMs: 15 * 60_000,
  downloadUrlTtlMs: 3_600_000,
  localPath: "/var/lib/omnia/media",
  s3Region: "us-east-1",
} as const;

export class MediaConfigError extends Error {
  override readonly name = "MediaConfigError";
  constructor(readonly problems: string[]) {
    super(`invalid media configuration:\n  ${problems.join("\n  ")}`);
  }
}

const Text = v.optional(v.pipe(v.string(), v.trim()), "");
const Required = v.pipe(v.string(), v.trim(), v.minLength(1, "required"));

const Duration = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      const ms = parseDuration(dataset.value);
      if (ms > 0) return ms;
      addIssue({ message: "must be longer than 0" });
    } catch (err) {
      addIssue({ message: err instanceof Error ? err.message : String(err) });
    }
    return NEVER;
  }),
);

const Bytes = v.pipe(
  v.string(),
  v.regex(/^\d+$/, (issue) => `must be a whole number of bytes, got "${issue.input}"`),
  v.transform(Number),
  v.minValue(1, "must be at least 1 byte"),
);

const Url = v.pipe(v.string(), v.trim(), v.url((issue) => `must be a URL, got "${issue.input}"`));

const CommonSchema = v.object({
  OMNIA_MEDIA_MAX_FILE_SIZE: v.optional(Bytes, String(MEDIA_DEFAULTS.maxFileSizeBytes)),
  OMNIA_MEDIA_DEFAULT_TTL: v.optional(Duration, "24h"),
  OMNIA_MEDIA_UPLOAD_URL_TTL: v.optional(Duration, "15m"),
  OMNIA_MEDIA_DOWNLOAD_URL_TTL: v.optional(Duration, "1h"),
});

const StorageSchema = v.variant("OMNIA_MEDIA_STORAGE_TYPE", [
  v.object({ OMNIA_MEDIA_STORAGE_TYPE: v.literal("none") }),
  v.object({
    OMNIA_MEDIA_STORAGE_TYPE: v.literal("local"),
    OMNIA_MEDIA_STORAGE_PATH: v.optional(Required, MEDIA_DEFAULTS.localPath),
    // Empty: upload and download URLs are relative to the facade (PROTOCOL.md section 1).
    OMNIA_MEDIA_STORAGE_BASE_URL: v.optional(v.union([v.literal(""), Url]), ""),
  }),
  v.object({
    OMNIA_MEDIA_STORAGE_TYPE: v.literal("s3"),
    OMNIA_MEDIA_S3_BUCKET: Required,
    OMNIA_MEDIA_S3_REGION: v.optional(Required, MEDIA_DEFAULTS.s3Region),
    OMNIA_MEDIA_S3_PREFIX: Text,
    OMNIA_MEDIA_S3_ENDPOINT: v.optional(Url),
    // The AWS SDK's own names; given explicitly so the edge (no credential chain there) can sign.
    AWS_ACCESS_KEY_ID: v.optional(Required),
    AWS_SECRET_ACCESS_KEY: v.optional(Required),
    AWS_SESSION_TOKEN: v.optional(Required),
  }),
  v.object({
    OMNIA_MEDIA_STORAGE_TYPE: v.literal("gcs"),
    OMNIA_MEDIA_GCS_BUCKET: Required,
    OMNIA_MEDIA_GCS_PREFIX: Text,
    // The service-account key file, by the Google SDKs' own name.
    GOOGLE_APPLICATION_CREDENTIALS: v.optional(Required),
  }),
  v.object({
    OMNIA_MEDIA_STORAGE_TYPE: v.literal("azure"),
    OMNIA_MEDIA_AZURE_ACCOUNT: Required,
    OMNIA_MEDIA_AZURE_CONTAINER: Required,
    OMNIA_MEDIA_AZURE_PREFIX: Text,
    OMNIA_MEDIA_AZURE_KEY: v.optional(Required),
    // Ours (additive): the blob endpoint when it is not https://{account}.blob.core.windows.net (Azurite, sovereign clouds).
    OMNIA_MEDIA_AZURE_ENDPOINT: v.optional(Url),
  }),
], (issue) => `OMNIA_MEDIA_STORAGE_TYPE: must be one of none, local, s3, gcs, azure, got "${String(issue.input)}"`);

/**
 * Reads the OMNIA_MEDIA_* variables (unset or empty means the default; type defaults to none).
 * `allowedMimeTypes` comes from the agent's spec.console.allowedAttachmentTypes, which has no variable.
 */
export function parseMediaConfig(env: Readonly<Record<string, string | undefined>>, opts: { allowedMimeTypes?: readonly string[] } = {}): MediaConfig {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const isOurs = name.startsWith("OMNIA_MEDIA_") || ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS"].includes(name);
    if (isOurs && value !== undefined && value.trim() !== "") present[name] = value.trim();
  }
  present["OMNIA_MEDIA_STORAGE_TYPE"] = (present["OMNIA_MEDIA_STORAGE_TYPE"] ?? "none").toLowerCase();

  const problems: string[] = [];
  const common = v.safeParse(CommonSchema, present);
  const storage = v.safeParse(StorageSchema, present);
  for (const issue of [...(common.issues ?? []), ...(storage.issues ?? [])]) {
    const path = issuePath(issue);
    problems.push(path === "" || issue.message.startsWith(`${path}:`) ? issue.message : `${path}: ${issueMessage(issue)}`);
  }
  const allowedMimeTypes = opts.allowedMimeTypes ?? DEFAULT_ALLOWED_MIME_TYPES;
  for (const type of allowedMimeTypes) {
    if (!isMimeType(type) && !/^[A-Za-z0-9.+-]+\/\*$|^\*\/\*$/.test(type)) problems.push(`allowed attachment type "${type}" is not a MIME type or a wildcard like image/*`);
  }
  if (!common.success || !storage.success || problems.length > 0) throw new MediaConfigError(problems);

  const c = common.output;
  return {
    limits: {
      maxFileSizeBytes: c.OMNIA_MEDIA_MAX_FILE_SIZE,
      mediaTtlMs: c.OMNIA_MEDIA_DEFAULT_TTL,
      uploadUrlTtlMs: c.OMNIA_MEDIA_UPLOAD_URL_TTL,
      downloadUrlTtlMs: c.OMNIA_MEDIA_DOWNLOAD_URL_TTL,
      allowedMimeTypes,
    },
    storage: toStorage(storage.output, problems),
  };
}

function toStorage(s: v.InferOutput<typeof StorageSchema>, problems: string[]): MediaStorageConfig {
  switch (s.OMNIA_MEDIA_STORAGE_TYPE) {
    case "none":
      return { type: "none" };
    case "local":
      return { type: "local", path: s.OMNIA_MEDIA_STORAGE_PATH, baseUrl: s.OMNIA_MEDIA_STORAGE_BASE_URL.replace(/\/+$/, "") };
    case "s3": {
      const { AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: token } = s;
      if ((id === undefined) !== (secret === undefined)) {
        problems.push("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both or neither (neither: the AWS SDK's default credential chain)");
        throw new MediaConfigError(problems);
      }
      return {
        type: "s3",
        bucket: s.OMNIA_MEDIA_S3_BUCKET,
        region: s.OMNIA_MEDIA_S3_REGION,
        prefix: s.OMNIA_MEDIA_S3_PREFIX,
        ...(s.OMNIA_MEDIA_S3_ENDPOINT ? { endpoint: s.OMNIA_MEDIA_S3_ENDPOINT } : {}),
        ...(id && secret ? { credentials: { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) } } : {}),
      };
    }
    case "gcs":
      return {
        type: "gcs",
        bucket: s.OMNIA_MEDIA_GCS_BUCKET,
        prefix: s.OMNIA_MEDIA_GCS_PREFIX,
        ...(s.GOOGLE_APPLICATION_CREDENTIALS ? { keyFilename: s.GOOGLE_APPLICATION_CREDENTIALS } : {}),
      };
    case "azure":
      return {
        type: "azure",
        account: s.OMNIA_MEDIA_AZURE_ACCOUNT,
        container: s.OMNIA_MEDIA_AZURE_CONTAINER,
        prefix: s.OMNIA_MEDIA_AZURE_PREFIX,
        ...(s.OMNIA_MEDIA_AZURE_KEY ? { key: s.OMNIA_MEDIA_AZURE_KEY } : {}),
        ...(s.OMNIA_MEDIA_AZURE_ENDPOINT ? { endpoint: s.OMNIA_MEDIA_AZURE_ENDPOINT.replace(/\/+$/, "") } : {}),
      };
  }
}
