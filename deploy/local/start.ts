// `npm start`: runs the manifests in deploy/examples/ (or the directory given as the first
// argument, or OMNIA_MANIFESTS) on this machine: one runtime process per AgentRuntime and one
// facade, talking gRPC on loopback. Sessions live in memory unless OMNIA_REDIS_URL is set.
import { join } from "node:path";
import { ManifestLoadError } from "../../shared/manifests/manifest-error.js";
import { REPO_ROOT } from "./child-process.js";
import { loadLocalModeConfig } from "./local-mode-config.js";
import { startLocalStack } from "./local-stack.js";

async function main(): Promise<void> {
  const config = loadLocalModeConfig(process.env, process.argv.slice(2), join(REPO_ROOT, "deploy/examples"));
  let stack;
  try {
    stack = await startLocalStack({ ...config, echo: process.stdout });
  } catch (err) {
    if (err instanceof ManifestLoadError) {
      console.error(`omnia: cannot start: ${err.message}`);
      process.exit(1);
    }
    console.error(`omnia: cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  const agents = stack.agents.map((a) => `${a.namespace}/${a.name}`).join(", ");
  console.log(
    [
      "",
      `Omnia is running: open ${stack.url}`,
      `  agents: ${agents}`,
      `  WebSocket: ${stack.url.replace(/^http/, "ws")}ws?agent=${stack.agents[0]?.name ?? "<agent>"}`,
      `  sessions: ${config.redisUrl ? `Redis at ${redactUrl(config.redisUrl)}` : "in memory (set OMNIA_REDIS_URL to keep them in Redis)"}`,
      "  auth: none (local mode on 127.0.0.1 runs open)",
      `  logs: ${stack.logDir}`,
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log("omnia: stopping…");
    void stack.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
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
