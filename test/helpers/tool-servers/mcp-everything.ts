// @modelcontextprotocol/server-everything, the reference MCP server: its stdio launch line (for
// handlers to spawn) and an HTTP instance (streamable HTTP or SSE) started on a free port and stopped by PID.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { freePort } from "../free-port.js";

const require = createRequire(import.meta.url);
const ENTRY = join(dirname(require.resolve("@modelcontextprotocol/server-everything/package.json")), "dist", "index.js");
// It has no host option and would listen on every interface; tests reach only loopback.
const LOOPBACK_PRELOAD = pathToFileURL(fileURLToPath(new URL("./listen-on-loopback.mjs", import.meta.url))).href;

/** command + args for an mcp stdio handler that runs the everything server. */
export const EVERYTHING_STDIO = { command: process.execPath, args: [ENTRY, "stdio"] };

export interface EverythingHttp {
  /** The endpoint an mcp handler names: …/mcp for streamable HTTP, …/sse for SSE. */
  endpoint: string;
  stop(): Promise<void>;
}

export async function startEverythingHttp(mode: "streamableHttp" | "sse" = "streamableHttp"): Promise<EverythingHttp> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", LOOPBACK_PRELOAD, ENTRY, mode], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "ignore", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`server-everything did not start: ${log}`)), 15_000);
    child.stderr.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes(`port ${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`server-everything exited (${code}): ${log}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}/${mode === "sse" ? "sse" : "mcp"}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
