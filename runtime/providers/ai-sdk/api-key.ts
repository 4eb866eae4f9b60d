// A provider's API key. Held privately so that logging or serialising the configuration, or an
// error that captures it, shows "[redacted]"; only the provider module asks for the value.
import { readFile } from "node:fs/promises";

export class ApiKey {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The key in a file (credential.filePath, usually a mounted Secret), without surrounding whitespace. */
  static async fromFile(path: string, variable: string): Promise<ApiKey> {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      const reason = err instanceof Error && "code" in err ? String(err.code) : "unreadable";
      throw new Error(`${variable}: cannot read the provider key file ${path} (${reason})`);
    }
    const key = text.trim();
    if (key === "") throw new Error(`${variable}: the provider key file ${path} is empty`);
    return new ApiKey(key);
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return "[redacted]";
  }

  toString(): string {
    return "[redacted]";
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "ApiKey([redacted])";
  }
}
