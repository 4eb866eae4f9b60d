// `npm start [-- -f <file or folder>]`: runs the manifests given (default deploy/examples/, or
// OMNIA_MANIFESTS) on this machine: one runtime process per AgentRuntime and one facade, talking
// gRPC on loopback. Sessions live in memory unless OMNIA_REDIS_URL is set.
import { join } from "node:path";
import { REPO_ROOT } from "./child-process.js";
import { loadLocalModeConfig, type LocalModeConfig } from "./local-mode-config.js";
import { type LocalStack, startLocalStack } from "./local-stack.js";

async function main(): Promise<void> {
  let config: LocalModeConfig | undefined;
  let stack;
  try {
    config = loadLocalModeConfig(process.env, process.argv.slice(2), join(REPO_ROOT, "deploy/examples"));
    stack = await startLocalStack({ ...config, echo: process.stdout, defaultMedia: true });
  } catch (err) {
    let message = err instanceof Error ? err.message : String(err);
    // Errors name the file the loader read; for `-f <file>` that is our copy of the user's file.
    if (config?.manifestsFile) message = message.replaceAll(config.manifestsFile.copiedTo, config.manifestsFile.path);
    console.error(`omnia: cannot start: ${message}`);
    process.exit(1);
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log("omnia: stopping…");
    void stack.stop().then(() => process.exit(0));
  };
  // Before the banner: whoever reads "Press Ctrl-C" may press it at once.
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const agents = stack.agents.map((a) => `${a.namespace}/${a.name}`).join(", ");
  console.log(
    [
      "",
      `Omnia is running: open ${stack.url}`,
      `  agents: ${agents}`,
      `  WebSocket: ${stack.url.replace(/^http/, "ws")}ws?agent=${stack.agents[0]?.name ?? "<agent>"}`,
      `  sessions: ${config.redisUrl ? `Redis at ${redactUrl(config.redisUrl)}` : "in memory (set OMNIA_REDIS_URL to keep them in Redis)"}`,
      `  media: ${stack.mediaEnv.OMNIA_MEDIA_STORAGE_TYPE ?? "none"}${stack.mediaEnv.OMNIA_MEDIA_STORAGE_PATH ? ` in ${stack.mediaEnv.OMNIA_MEDIA_STORAGE_PATH}` : ""}`,
      `  auth: ${authLine(stack)}`,
      `  logs: ${stack.logDir}`,
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
  void stack.died.then((who) => {
    if (stopping) return;
    console.error(`omnia: ${who} exited unexpectedly; see ${stack.logDir}`);
    void stack.stop().then(() => process.exit(1));
  });
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}

void main();

/** Which agents ask for credentials (spec.externalAuth) and which run open, as loopback allows. */
function authLine(stack: LocalStack): string {
  const configured = new Set(Object.keys(stack.auth.env ? (JSON.parse(stack.auth.env) as Record<string, unknown>) : {}));
  const secured = stack.agents.filter((a) => configured.has(`${a.namespace}/${a.name}`));
  const open = stack.agents.filter((a) => !secured.includes(a));
  const parts = [
    ...(secured.length > 0 ? [`${secured.map((a) => a.name).join(", ")} ${secured.length === 1 ? "requires" : "require"} an API key or token (browsers: POST /ws/ticket)`] : []),
    ...(open.length > 0 ? [`${open.map((a) => a.name).join(", ")} open (local mode on 127.0.0.1)`] : []),
  ];
  return parts.join("; ");
}
