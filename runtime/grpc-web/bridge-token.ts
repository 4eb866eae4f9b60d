// The bearer token edge facades present on the gRPC-web port (the operator generates one per
// AgentRuntime and mounts it from a Secret). Only its SHA-256 digest is kept, so the token cannot
// reach a log line or an error through this object, and a presented token is compared digest to
// digest in constant time (equal lengths, whatever was presented).
import { createHash, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";

export class BridgeToken {
  readonly #digest: Buffer;

  constructor(token: string) {
    this.#digest = digest(token);
  }

  /** The token in a file (a mounted Secret): its content without surrounding whitespace. */
  static async fromFile(path: string, variable: string): Promise<BridgeToken> {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      const reason = err instanceof Error && "code" in err ? String(err.code) : "unreadable";
      throw new Error(`${variable}: cannot read the bridge token file ${path} (${reason})`);
    }
    const token = text.trim();
    if (token === "") throw new Error(`${variable}: the bridge token file ${path} is empty`);
    return new BridgeToken(token);
  }

  /** Whether an Authorization header value is `Bearer <this token>`. */
  admits(authorization: string | null): boolean {
    const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    const presented = match?.[1];
    return presented !== undefined && timingSafeEqual(digest(presented), this.#digest);
  }

  toJSON(): string {
    return "[redacted]";
  }

  toString(): string {
    return "[redacted]";
  }
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}
