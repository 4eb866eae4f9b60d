// `npm run start:edge`: the edge placement on this machine. The runtime of the first AgentRuntime
// in deploy/examples/ (or the directory given, or OMNIA_MANIFESTS) runs as a process with its
// gRPC-web bridge on loopback, and the facade runs in real workerd (Miniflare, configured from
// wrangler.toml) on PORT (default 8787), serving the same /ws, /healthz and chat page as `npm start`.
// Turns are journaled in each session's Durable Object, or in Redis through Upstash REST when
// UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN are set (give the runtime the same Redis
// with OMNIA_REDIS_URL). Media go to an embedded S3-compatible server (s3rver) unless
// OMNIA_MEDIA_STORAGE_TYPE and its variables name another store; the runtime gets the same ones.
import { join } from "node:path";
import { ManifestLoadError } from "../../shared/manifests/manifest-error.js";
import { REPO_ROOT } from "../local/child-process.js";
import { loadLocalModeConfig } from "../local/local-mode-config.js";
import { startLocalRuntimes } from "../local/local-stack.js";
import { startEdgeFacade } from "./edge-facade-server.js";
import { startEmbeddedS3, type EmbeddedS3 } from "./embedded-s3.js";

async function main(): Promise<void> {
  const config = loadLocalModeConfig({ PORT: "8787", ...process.env }, process.argv.slice(2), join(REPO_ROOT, "deploy/examples"));
  let runtimes;
  let embeddedS3: EmbeddedS3 | undefined;
  let mediaEnv: Record<string, string>;
  try {
    if (process.env.OMNIA_MEDIA_STORAGE_TYPE) {
      mediaEnv = mediaVariables(process.env);
    } else {
      const origins = [`http://127.0.0.1:${config.port}`, `http://localhost:${config.port}`];
      embeddedS3 = await startEmbeddedS3({ directory: join(config.stateDir, "edge", "media-s3"), origins });
      mediaEnv = embeddedS3.env;
    }
    runtimes = await startLocalRuntimes({ ...config, stateDir: join(config.stateDir, "edge"), runtimeEnv: mediaEnv, echo: process.stdout });
  } catch (err) {
    console.error(`omnia: cannot start: ${err instanceof ManifestLoadError || err instanceof Error ? err.message : String(err)}`);
    await embeddedS3?.stop();
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
        ...mediaEnv,
        ...(upstash ? { UPSTASH_REDIS_REST_URL: process.env.UPSTASH_REDIS_REST_URL ?? "", UPSTASH_REDIS_REST_TOKEN: process.env.UPSTASH_REDIS_REST_TOKEN ?? "" } : {}),
      },
    });
  } catch (err) {
    console.error(`omnia: cannot start the edge facade: ${err instanceof Error ? err.message : String(err)}`);
    await runtimes.stop();
    await embeddedS3?.stop();
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
      `  media: ${embeddedS3 ? `embedded S3 server at ${embeddedS3.endpoint} (set OMNIA_MEDIA_STORAGE_TYPE and its variables for another store)` : mediaEnv.OMNIA_MEDIA_STORAGE_TYPE}`,
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
    void Promise.all([edge.stop(), runtimes.stop(), embeddedS3?.stop()]).then(() => process.exit(code));
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

/** The media variables given to this process, for a store of the user's choosing. */
function mediaVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  const names = (name: string) => name.startsWith("OMNIA_MEDIA_") || name.startsWith("AWS_") || name === "GOOGLE_APPLICATION_CREDENTIALS";
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => names(entry[0]) && entry[1] !== undefined));
}

void main();
