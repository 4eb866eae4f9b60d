// Runs the edge facade in real workerd through Miniflare, configured from wrangler.toml (compat
// date and flags, the Durable Object binding, vars) with the given vars and secrets on top, on
// 127.0.0.1. Used by `npm run start:edge`, the edge conformance suite and the bench.
import { convertV4MiniflareOptions, Miniflare, type V4MiniflareOptions } from "miniflare";
import { join } from "node:path";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { REPO_ROOT } from "../local/child-process.js";
import { bundleWorker, type WorkerBundle } from "./bundle-worker.js";

const WORKER_NAME = "omnia-facade";

export interface EdgeFacadeServer {
  url: string;
  port: number;
  bundle: WorkerBundle;
  /** Evicts the Durable Object named `name` with its sockets hibernated, as Cloudflare does to idle objects. */
  hibernate(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startEdgeFacade(options: { port: number; vars: Record<string, string> }): Promise<EdgeFacadeServer> {
  const bundle = await bundleWorker();
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(REPO_ROOT, "wrangler.toml"));
  // wrangler hands out Miniflare 4-style worker options; Miniflare 5 converts them itself.
  const v4: V4MiniflareOptions = {
    workers: [
      {
        // What wrangler.toml says about the runtime; the code is our bundle, not wrangler's.
        compatibilityDate: workerOptions.compatibilityDate,
        compatibilityFlags: workerOptions.compatibilityFlags,
        durableObjects: workerOptions.durableObjects,
        name: WORKER_NAME,
        modules: true,
        script: bundle.code,
        scriptPath: join(REPO_ROOT, "facade/edge/worker.js"),
        bindings: { ...(workerOptions.bindings ?? {}), ...openOnLoopback(options.vars), ...options.vars },
      },
    ],
    host: "127.0.0.1",
    port: options.port,
  } as V4MiniflareOptions;
  const mf = new Miniflare(convertV4MiniflareOptions(v4));
  const url = await mf.ready;
  return {
    url: url.toString(),
    port: Number(url.port),
    bundle,
    hibernate: (name) => mf.unsafeEvictDurableObject(WORKER_NAME, "SessionSocket", { name, webSockets: "hibernate" }),
    stop: () => mf.dispose(),
  };
}

// Miniflare serves on 127.0.0.1 only: like local mode, an agent without auth may run open here
// (a deployed Worker is public and needs OMNIA_EXTERNAL_AUTH, or OMNIA_AUTH=none on purpose).
function openOnLoopback(vars: Record<string, string>): Record<string, string> {
  return vars.OMNIA_EXTERNAL_AUTH || vars.OMNIA_AUTH ? {} : { OMNIA_AUTH: "none" };
}
