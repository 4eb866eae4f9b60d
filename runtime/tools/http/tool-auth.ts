// Auth for http and openapi handlers. As in the reference, the operator resolves each handler's
// authSecretRef into the `<agent>-tool-secrets` Secret, one key per authenticated handler named
// after the handler, mounted read-only at /etc/omnia/tool-secrets; so the token of handler "weather"
// is the file /etc/omnia/tool-secrets/weather (bearer: the token; basic: `username:password`).
// tools.yaml never carries the value. The file is read on every call so a rotated Secret takes
// effect without a restart; its value never appears in an error, a log line or a result.
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export const DEFAULT_TOOL_SECRETS_DIR = "/etc/omnia/tool-secrets";

// What Kubernetes allows as a Secret key; it also keeps a handler name from walking out of the directory.
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** The Authorization header for a handler, or undefined when it has no auth. Throws an Error naming the file when it cannot be read. */
export async function authorizationHeader(handlerName: string, authType: "bearer" | "basic" | undefined, secretsDir: string): Promise<string | undefined> {
  if (!authType) return undefined;
  if (!SECRET_KEY.test(handlerName) || handlerName === "." || handlerName === "..") {
    throw new Error(`${authType} auth for handler "${handlerName}": the handler name cannot be a Secret key, so no token can be mounted for it`);
  }
  const path = join(secretsDir, handlerName);
  let token: string;
  try {
    token = (await readFile(path, "utf8")).trim();
  } catch (err) {
    const code = typeof err === "object" && err !== null && "code" in err ? String(err.code) : "unreadable";
    throw new Error(`${authType} auth for handler "${handlerName}": cannot read the token file ${path} (${code})`);
  }
  if (token === "") throw new Error(`${authType} auth for handler "${handlerName}": the token file ${path} is empty`);
  if (authType === "bearer") return `Bearer ${token}`;
  if (!token.includes(":")) throw new Error(`basic auth for handler "${handlerName}": the token file ${path} must hold username:password`);
  return `Basic ${Buffer.from(token).toString("base64")}`;
}
