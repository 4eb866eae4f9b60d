// The bench's edge facade, in a process of its own: startEdgeFacade (the Worker bundled with
// esbuild, run in real workerd through Miniflare, on 127.0.0.1) with the vars the bench gives in
// BENCH_EDGE_VARS (JSON), on BENCH_EDGE_PORT. Miniflare's Node side lives here and workerd is
// its child, so neither shares the bench client's process. Prints one `EDGE_READY {...}` line
// (url, port, Worker bundle sizes) once it serves, and stops workerd on SIGTERM / SIGINT.
import { startEdgeFacade, type EdgeFacadeServer } from "../../deploy/edge/edge-facade-server.js";

const EDGE_READY = "EDGE_READY";

async function main(): Promise<void> {
  const vars = JSON.parse(process.env.BENCH_EDGE_VARS ?? "{}") as Record<string, string>;
  const port = Number(process.env.BENCH_EDGE_PORT ?? "0");
  let edge: EdgeFacadeServer | undefined;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void (edge?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
  };
  edge = await startEdgeFacade({ port, vars });
  // Miniflare installs signal handlers that exit at once; this process stops workerd first.
  process.removeAllListeners("SIGINT");
  process.removeAllListeners("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  console.log(`${EDGE_READY} ${JSON.stringify({ url: edge.url, port: edge.port, bundleBytes: edge.bundle.bytes, gzipBytes: edge.bundle.gzipBytes })}`);
}

main().catch((err: unknown) => {
  console.error("edge host: cannot start the edge facade:", err);
  process.exit(1);
});
