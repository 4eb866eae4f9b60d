// Bundles the edge facade (wrangler.toml `main`) the way wrangler does for workerd: one ES module,
// browser/worker conditions, nothing from Node. A `node:*` import anywhere in the graph fails the
// build, which is how we know the Worker carries no Node-only dependency.
import { gzipSync } from "node:zlib";
import { build, type BuildOptions } from "esbuild";
import { join } from "node:path";
import { REPO_ROOT } from "../local/child-process.js";

export interface WorkerBundle {
  code: string;
  bytes: number;
  gzipBytes: number;
}

/** How wrangler resolves and emits a Worker module; tests that run their own scripts in workerd build with it too. */
export const WORKER_BUILD_OPTIONS = {
  bundle: true,
  write: false,
  format: "esm",
  // "browser" as wrangler's default: packages' `browser` field maps (the AWS SDK's runtime
  // config for S3 presigning) apply; still no Node built-ins, so a node:* import fails the build.
  platform: "browser",
  target: "es2022",
  conditions: ["workerd", "worker", "browser", "import"],
  mainFields: ["workerd", "worker", "browser", "module", "main"],
} as const satisfies BuildOptions;

export async function bundleWorker(options: { minify?: boolean } = {}): Promise<WorkerBundle> {
  const result = await build({
    ...WORKER_BUILD_OPTIONS,
    entryPoints: [join(REPO_ROOT, "facade/edge/worker.ts")],
    minify: options.minify ?? true,
    legalComments: "none",
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error("esbuild produced no output for the Worker");
  return { code: file.text, bytes: file.contents.byteLength, gzipBytes: gzipSync(file.contents).byteLength };
}

// `node --import tsx deploy/edge/bundle-worker.ts <out.js>`: the same bundle written to a file (the
// image build uses it, so the Worker the operator uploads is the one the tests run).
if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2];
  if (!out) throw new Error("usage: bundle-worker.ts <out.js>");
  const { writeFile } = await import("node:fs/promises");
  const bundle = await bundleWorker();
  await writeFile(out, bundle.code);
  console.log(`${out}: ${bundle.bytes} bytes, ${bundle.gzipBytes} gzipped`);
}
