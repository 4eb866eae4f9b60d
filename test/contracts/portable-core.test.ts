// The facade core runs in workerd too, and the protocol client in browsers and Workers: nothing they
// import, directly or through the project's own modules, may be node:* or a Node-only package.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../deploy/local/child-process.js";

const NODE_ONLY = /^(node:|ws$|@grpc\/|ioredis$|pino$|@hono\/node-server|@hono\/node-ws|tsx)/;
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? "");
}

function nodeOnlyReach(entry: string): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
      else if (NODE_ONLY.test(spec)) problems.push(`${relative(REPO_ROOT, file)} imports ${spec}`);
    }
  };
  visit(entry);
  return problems;
}

// Each portable root, with one module it must hold (so an emptied or moved root fails loudly);
// `only` checks just those modules of a folder that also holds Node-only ones.
const ROOTS: { root: string; expected: string; only?: string[] }[] = [
  { root: "facade/core", expected: "facade-app.ts" },
  // The protocol client runs in browsers and Workers as well as Node.
  { root: "shared/client", expected: "omnia-client.ts" },
  // The edge facade keeps the turn journal in Redis through Upstash's REST API.
  { root: "shared/journal", expected: "upstash-turn-journal.ts", only: ["upstash-turn-journal.ts"] },
  // Authentication runs in the Worker too; its index reaches every portable module (not the ioredis ticket store).
  { root: "shared/auth", expected: "index.ts", only: ["index.ts"] },
  // The Worker presigns media with these (Web Crypto), and keeps pending uploads through Upstash.
  { root: "shared/media", expected: "media-uploads.ts", only: ["media-uploads.ts", "s3-media-storage.ts", "azure-sas-webcrypto.ts", "gcs-v4-webcrypto.ts", "upstash-pending-uploads.ts"] },
];

describe.each(ROOTS)("portable $root", ({ root, expected, only }) => {
  const dir = join(REPO_ROOT, root);
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && (!only || only.includes(f)));

  it("has modules to check", () => {
    expect(files).toContain(expected);
  });

  it.each(files)("%s reaches no Node-only module", (file) => {
    expect(nodeOnlyReach(join(dir, file))).toEqual([]);
  });
});
