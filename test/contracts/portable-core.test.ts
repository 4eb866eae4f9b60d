// The facade core runs in workerd too: nothing it imports, directly or through the project's
// own modules, may be node:* or a Node-only package.
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

describe("portable facade core", () => {
  const core = join(REPO_ROOT, "facade/core");
  const files = readdirSync(core).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

  it("has modules to check", () => {
    expect(files).toContain("facade-app.ts");
  });

  it.each(files)("%s reaches no Node-only module", (file) => {
    expect(nodeOnlyReach(join(core, file))).toEqual([]);
  });
});
