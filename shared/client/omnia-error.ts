// Errors the client hands to the application: the protocol's error codes, plus three of the client's
// own for what happens on this side of the socket.
import type { ErrorCode } from "../protocol/error-codes.js";

/**
 * CONNECTION_LOST: the socket dropped during a turn and the server could not resume it (or a tool
 * answer could not be delivered). CLIENT_CLOSED: close() was called. NOT_CONNECTED: the client is not
 * connected (connect() was not called, or the first connection failed).
 */
export type ClientErrorCode = "CONNECTION_LOST" | "CLIENT_CLOSED" | "NOT_CONNECTED";
export type OmniaErrorCode = ErrorCode | ClientErrorCode;

export class OmniaError extends Error {
  override name = "OmniaError";

  constructor(
    readonly code: OmniaErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** What a turn's `done` rejects with: the turn-ending error, or the answer refusing its message. */
export class OmniaTurnError extends OmniaError {
  override name = "OmniaTurnError";

  constructor(
    code: OmniaErrorCode,
    message: string,
    /** Unset when the message was refused before the turn started. */
    readonly turnId?: string,
    details?: Record<string, unknown>,
  ) {
    super(code, message, details);
  }
}
