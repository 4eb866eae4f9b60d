// `npm run start:edge`: the edge placement on this machine. The runtime of the first AgentRuntime
// in deploy/examples/ (or the directory given, or OMNIA_MANIFESTS) runs as a process with its
// gRPC-web bridge on loopback, and the facade runs in real workerd (Miniflare, configured from
// wrangler.toml) on PORT (default 8787), serving the same /ws, /healthz and chat page as `npm start`.
// Turns are journaled in each session's Durable Object, or in Redis through Upstash REST when
// UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN are set (give the runtime the same Redis
// with OMNIA_REDIS_URL).
import { join } from "node:path";
import { ManifestLoadError } from "../../shared/manifests/manifest-error.js";
import { REPO_ROOT } from "../local/child-process.js";
import { loadLocalModeConfig } from "../local/local-mode-config.js";
import { startLocalRuntimes } from "../local/local-stack.js";
import { startEdgeFacade } from "./edge-facade-server.js";

async function main(): Promise<void> {
  const config = loadLocalModeConfig({ PORT: "8787", ...process.env }, process.argv.slice(2), join(REPO_ROOT, "deploy/examples"));
  let runtimes;
  try {
    runtimes = await startLocalRuntimes({ ...config, stateDir: join(config.stateDir, "edge"), echo: process.stdout });
  } catch (err) {
    console.error(`omnia: cannot start: ${err instanceof ManifestLoadError || err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  const runtime = runtimes.all()[0];
  if (!runtime) throw new Error("no runtime started");
  const upstash = process.env.UPSTASH_REDIS_REST_URL && process.env.UPSTASH_REDIS_REST_TOKEN;
  let edge;
  try {
    edge = await startEdgeFacade({
      port: config.port,
      vars: {
        OMNIA_AGENT_NAME: runtime.name,
        OMNIA_NAMESPACE: runtime.namespace,
        OMNIA_RUNTIME_URL: `http://127.0.0.1:${runtime.grpcWebPort}`,
        OMNIA_BRIDGE_TOKEN: runtimes.bridgeToken,
        ...(upstash ? { UPSTASH_REDIS_REST_URL: process.env.UPSTASH_REDIS_REST_URL ?? "", UPSTASH_REDIS_REST_TOKEN: process.env.UPSTASH_REDIS_REST_TOKEN ?? "" } : {}),
      },
    });
  } catch (err) {
    console.error(`omnia: cannot start the edge facade: ${err instanceof Error ? err.message : String(err)}`);
    await runtimes.stop();
    process.exit(1);
  }
  const others = runtimes.agents.slice(1).map((a) => `${a.namespace}/${a.name}`);
  console.log(
    [
      "",
      `Omnia (edge) is running: open ${edge.url}`,
      `  agent: ${runtime.namespace}/${runtime.name}${others.length > 0 ? ` (one agent per Worker; not served: ${others.join(", ")})` : ""}`,
      `  WebSocket: ${edge.url.replace(/^http/, "ws")}ws`,
      `  facade: workerd (Miniflare, wrangler.toml), Worker bundle ${(edge.bundle.bytes / 1024).toFixed(0)} KiB, ${(edge.bundle.gzipBytes / 1024).toFixed(0)} KiB gzipped`,
      `  runtime: gRPC-web on 127.0.0.1:${runtime.grpcWebPort}`,
      `  turn journal: ${upstash ? "Redis through Upstash REST" : "in each session's Durable Object (set UPSTASH_REDIS_REST_URL/TOKEN to share it)"}`,
      `  logs: ${runtimes.logDir}`,
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("omnia: stopping…");
    void Promise.all([edge.stop(), runtimes.stop()]).then(() => process.exit(code));
  };
  // Miniflare installs signal handlers that exit at once (130); this process stops its own children.
  process.removeAllListeners("SIGINT");
  process.removeAllListeners("SIGTERM");
  process.on("SIGINT", () => stop(0));
  process.on("SIGTERM", () => stop(0));
  void runtimes.died.then((who) => {
    if (stopping) return;
    console.error(`omnia: ${who} exited unexpectedly; see ${runtimes.logDir}`);
    stop(1);
  });
}

void main();
