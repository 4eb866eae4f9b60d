// Why a media request was refused, as the facade answers it: an HTTP status for the media API
// (PROTOCOL.md section 2) and UPLOAD_FAILED on the socket. Portable.

export type MediaErrorKind =
  | "bad_request"
  | "not_found"
  | "expired"
  | "too_large"
  | "unsupported_type"
  | "not_uploaded"
  | "mismatch"
  | "already_confirmed"
  | "storage_failed";

const STATUS: Record<MediaErrorKind, number> = {
  bad_request: 400,
  not_found: 404,
  expired: 410,
  too_large: 413,
  unsupported_type: 415,
  not_uploaded: 400,
  mismatch: 400,
  already_confirmed: 409,
  storage_failed: 502,
};

export class MediaError extends Error {
  override readonly name = "MediaError";
  /** The socket error code every media refusal carries. */
  readonly code = "UPLOAD_FAILED";
  readonly status: number;

  constructor(
    readonly kind: MediaErrorKind,
    message: string,
  ) {
    super(message);
    this.status = STATUS[kind];
  }
}
