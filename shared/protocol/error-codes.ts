// Error codes of the client WebSocket protocol (PROTOCOL.md section 1). The first ten are the
// reference's; PROVIDER_ERROR, UNAUTHORIZED and VALIDATION_FAILED are ours (additive).
export const ERROR_CODES = [
  "INVALID_MESSAGE",
  "SESSION_NOT_FOUND",
  "SESSION_EXPIRED",
  "INTERNAL_ERROR",
  "AGENT_UNAVAILABLE",
  "TOOL_FAILED",
  "UPLOAD_FAILED",
  "MEDIA_NOT_ENABLED",
  "RATE_LIMITED",
  "UNSATISFIABLE_FORMAT",
  "PROVIDER_ERROR",
  "UNAUTHORIZED",
  "VALIDATION_FAILED",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN = new Set<string>(ERROR_CODES);

/** A code received from a runtime we may not know; unknown codes become INTERNAL_ERROR. */
export function toErrorCode(code: string): ErrorCode {
  return KNOWN.has(code) ? (code as ErrorCode) : "INTERNAL_ERROR";
}
