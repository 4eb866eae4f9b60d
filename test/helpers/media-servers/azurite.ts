// Azurite's blob service for tests: its own process on 127.0.0.1 and a free port, in memory,
// stopped by PID. It checks SAS signatures, expiry and permissions, and CORS set with setProperties.
// With `oauth`, it serves HTTPS (a self-signed certificate made with the openssl CLI) and accepts
// bearer tokens (checking their issuer, audience and lifetime, not their signature), which is what
// user delegation keys need.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../free-port.js";

/** The CORS rule the README tells users to set on their account, for `origins`; give it to setProperties. */
export function azureCorsRule(origins: readonly string[]) {
  return { allowedOrigins: origins.join(","), allowedMethods: "PUT,GET", allowedHeaders: "content-type,x-ms-blob-type", exposedHeaders: "etag", maxAgeInSeconds: 300 };
}

/**
 * A token Azurite's basic OAuth accepts for `oid` in tenant `tid`: the issuer, audience and
 * lifetime it checks, and no real signature (it does not check one).
 */
export function azuriteBearerToken(oid: string, tid: string, lifetimeMs = 3_600_000): { token: string; expiresOnTimestamp: number } {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + Math.floor(lifetimeMs / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const payload = { aud: "https://storage.azure.com", iss: `https://sts.windows.net/${tid}/`, iat: now - 60, nbf: now - 60, exp, oid, tid };
  return { token: `${part({ alg: "HS256", typ: "JWT" })}.${part(payload)}.${Buffer.from("unsigned").toString("base64url")}`, expiresOnTimestamp: exp * 1000 };
}

/** The development account every Azurite has (published in Azurite's documentation). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteServer {
  /** http://127.0.0.1:port/devstoreaccount1 (https with oauth) */
  endpoint: string;
  account: string;
  key: string;
  /** With oauth: the server's self-signed certificate (PEM), for the client to trust. */
  certificate?: string;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL("../../../node_modules/azurite/dist/src/blob/main.js", import.meta.url));
const STARTUP_TIMEOUT_MS = 20_000;

export async function startAzurite(opts: { oauth?: boolean } = {}): Promise<AzuriteServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "omnia-azurite-"));
  const args = [MAIN, "--blobHost", "127.0.0.1", "--blobPort", String(port), "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--silent"];
  let certificate: string | undefined;
  if (opts.oauth) {
    const [cert, key] = [join(dir, "cert.pem"), join(dir, "key.pem")];
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    certificate = readFileSync(cert, "utf8");
    args.push("--oauth", "basic", "--cert", cert, "--key", key);
  }
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-4_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const killOnExit = () => void (running(child) && child.pid !== undefined && process.kill(child.pid, "SIGKILL"));
  process.once("exit", killOnExit);
  const stop = async () => {
    if (running(child) && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(child.pid, "SIGTERM");
      await exited;
    }
    process.removeListener("exit", killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  const scheme = certificate ? "https" : "http";
  return { endpoint: `${scheme}://127.0.0.1:${port}/${AZURITE_ACCOUNT}`, account: AZURITE_ACCOUNT, key: AZURITE_KEY, ...(certificate ? { certificate } : {}), stop };
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!running(child)) throw new Error(`azurite-blob on port ${port} exited at start: ${output().trim()}`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`azurite-blob on port ${port} did not listen within ${STARTUP_TIMEOUT_MS} ms: ${output().trim()}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
