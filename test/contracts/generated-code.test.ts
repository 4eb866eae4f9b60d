// The committed protobuf code is exactly what `npm run gen` produces from shared/proto.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../deploy/local/child-process.js";

const out = mkdtempSync(join(tmpdir(), "omnia-gen-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe("generated protobuf code", () => {
  it("matches what buf generates from the .proto files", () => {
    const template = readFileSync(join(REPO_ROOT, "buf.gen.yaml"), "utf8").replace("out: shared/gen", `out: ${out}/gen`);
    writeFileSync(join(out, "buf.gen.yaml"), template);
    execFileSync(join(REPO_ROOT, "node_modules/.bin/buf"), ["generate", "--template", join(out, "buf.gen.yaml")], {
      cwd: REPO_ROOT,
      env: { ...process.env, PATH: `${join(REPO_ROOT, "node_modules/.bin")}:${process.env.PATH ?? ""}` },
    });
    const committed = join(REPO_ROOT, "shared/gen");
    expect(files(join(out, "gen"))).toEqual(files(committed));
    for (const file of files(committed)) {
      expect(readFileSync(join(out, "gen", file), "utf8"), file).toBe(readFileSync(join(committed, file), "utf8"));
    }
  });
});
