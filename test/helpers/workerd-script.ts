// A test's own Worker module (source text importing project modules) built the way the facade's
// Worker is (WORKER_BUILD_OPTIONS) and run in workerd through Miniflare, with what the bundle
// took in, so a test can check no node:* or Node-only package reached it.
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare, type V4MiniflareOptions } from "miniflare";
import { WORKER_BUILD_OPTIONS } from "../../deploy/edge/bundle-worker.js";
import { WORKER_COMPATIBILITY_DATE } from "../../operator/agent-runtime/wrangler-config.js";

export interface WorkerdScript {
  workerd: Miniflare;
  /** Every module the bundle took in (paths, or `node:…` had one slipped in). */
  inputs: string[];
  /** Imports the bundle left for the runtime to resolve (none for a self-contained Worker). */
  externalImports: string[];
  dispose(): Promise<void>;
}

/** `resolveDir` is where the source's relative imports start (usually the test's own folder). */
export async function startWorkerdScript(source: string, resolveDir: string): Promise<WorkerdScript> {
  const bundle = await build({ ...WORKER_BUILD_OPTIONS, stdin: { contents: source, resolveDir, loader: "ts" }, metafile: true, logLevel: "silent" });
  const workerd = new Miniflare(
    convertV4MiniflareOptions({ modules: true, script: bundle.outputFiles[0]?.text ?? "", compatibilityDate: WORKER_COMPATIBILITY_DATE } as V4MiniflareOptions),
  );
  await workerd.ready;
  return {
    workerd,
    inputs: Object.keys(bundle.metafile.inputs),
    externalImports: Object.values(bundle.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path)),
    dispose: () => workerd.dispose(),
  };
}
