// The checks an upload request passes before any URL is issued: a well-formed request, a size
// within the limit (413) and an allowed MIME type (415), each refusal naming the limit or type.
// Portable.
import * as v from "valibot";
import { MediaError } from "./media-error.js";
import { isSafeId } from "./media-ids.js";
import type { MediaLimits } from "./media-config.js";
import { isMimeAllowed, isMimeType } from "./mime-types.js";

export interface UploadRequest {
  sessionId: string;
  /** Metadata only. */
  filename: string;
  mimeType: string;
  sizeBytes: number;
}

const UploadRequestSchema = v.object({
  sessionId: v.pipe(v.string("session_id must be a string"), v.check(isSafeId, "session_id must be a session id (letters, digits, - and _)")),
  filename: v.pipe(
    v.string("filename must be a string"),
    v.minLength(1, "filename must not be empty"),
    v.maxLength(255, "filename must be at most 255 characters"),
    v.regex(/^[^\p{Cc}]*$/u, "filename must not contain control characters"),
  ),
  mimeType: v.pipe(v.string("mime_type must be a string"), v.check(isMimeType, (issue) => `mime_type ${JSON.stringify(issue.input)} is not a MIME type like image/png`)),
  sizeBytes: v.pipe(
    v.number("size_bytes must be a number"),
    v.integer("size_bytes must be a whole number of bytes"),
    v.minValue(1, "size_bytes must be at least 1"),
  ),
});

/** The request checked against the limits; throws MediaError bad_request, too_large (413) or unsupported_type (415). */
export function checkUploadRequest(input: UploadRequest, limits: Pick<MediaLimits, "maxFileSizeBytes" | "allowedMimeTypes">): UploadRequest {
  const parsed = v.safeParse(UploadRequestSchema, input);
  if (!parsed.success) throw new MediaError("bad_request", parsed.issues.map((issue) => issue.message).join("; "));
  const request = parsed.output;
  if (request.sizeBytes > limits.maxFileSizeBytes) {
    throw new MediaError("too_large", `${request.filename} is ${formatBytes(request.sizeBytes)}; the limit is ${formatBytes(limits.maxFileSizeBytes)}`);
  }
  if (!isMimeAllowed(request.mimeType, limits.allowedMimeTypes)) {
    throw new MediaError("unsupported_type", `${request.mimeType} is not an allowed type; allowed: ${limits.allowedMimeTypes.join(", ")}`);
  }
  return request;
}

/** Bytes for people: exact count, and MiB/KiB when that reads better. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${bytes} bytes (${round(bytes / (1024 * 1024))} MiB)`;
  if (bytes >= 1024) return `${bytes} bytes (${round(bytes / 1024)} KiB)`;
  return `${bytes} bytes`;
}

function round(value: number): string {
  return String(Number(value.toFixed(1)));
}
