// An error that ends a turn with a protocol error code and a message the user can act on.
import type { ErrorCode } from "../shared/protocol/error-codes.js";

export class TurnError extends Error {
  override readonly name = "TurnError";
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
