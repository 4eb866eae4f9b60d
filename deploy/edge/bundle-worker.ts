// Bundles the edge facade (wrangler.toml `main`) the way wrangler does for workerd: one ES module,
// browser/worker conditions, nothing from Node. A `node:*` import anywhere in the graph fails the
// build, which is how we know the Worker carries no Node-only dependency.
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { join } from "node:path";
import { REPO_ROOT } from "../local/child-process.js";

export interface WorkerBundle {
  code: string;
  bytes: number;
  gzipBytes: number;
}

export async function bundleWorker(options: { minify?: boolean } = {}): Promise<WorkerBundle> {
  const result = await build({
    entryPoints: [join(REPO_ROOT, "facade/edge/worker.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser", "import"],
    mainFields: ["workerd", "worker", "browser", "module", "main"],
    minify: options.minify ?? true,
    legalComments: "none",
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error("esbuild produced no output for the Worker");
  return { code: file.text, bytes: file.contents.byteLength, gzipBytes: gzipSync(file.contents).byteLength };
}
