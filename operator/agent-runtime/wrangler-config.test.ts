import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { renderWranglerToml, WORKER_COMPATIBILITY_DATE, WORKER_DO_BINDING, WORKER_DO_CLASS, WORKER_MAIN, workerName } from "./wrangler-config.js";

// The settings of the repository's wrangler.toml, less its comments, name and vars.
function fixedLines(toml: string): string[] {
  const [beforeVars = ""] = toml.split("[vars]");
  return beforeVars
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#") && !line.startsWith("name = \"omnia-"));
}

describe("the edge Worker's wrangler.toml", () => {
  it("keeps the repository's entry, compatibility date, Durable Object and migration", async () => {
    const repo = await readFile("wrangler.toml", "utf8");
    const rendered = renderWranglerToml({ name: "omnia-default-assistant", vars: { A: "1" }, secretNotes: [], header: ["x"] });
    const repoLines = fixedLines(repo).filter((line) => line !== 'name = "omnia-facade"');
    expect(fixedLines(rendered)).toEqual(repoLines);
    expect(repo).toContain(`main = "${WORKER_MAIN}"`);
    expect(repo).toContain(`compatibility_date = "${WORKER_COMPATIBILITY_DATE}"`);
    expect(repo).toContain(`name = "${WORKER_DO_BINDING}"`);
    expect(repo).toContain(`class_name = "${WORKER_DO_CLASS}"`);
  });

  it("quotes var values as TOML basic strings", () => {
    const toml = renderWranglerToml({ name: "w", vars: { ORIGINS: 'a "b"\\c\nd' }, secretNotes: [], header: [] });
    expect(toml).toContain('ORIGINS = "a \\"b\\"\\\\c\\nd"');
  });

  it.each([
    ["default", "assistant", "omnia-default-assistant"],
    ["team-a", "support.v2", "omnia-team-a-support-v2"],
    ["ns", "a".repeat(80), `omnia-ns-${"a".repeat(54)}`],
  ])("names the Worker for %s/%s", (namespace, name, expected) => {
    expect(workerName(namespace, name)).toBe(expected);
    expect(workerName(namespace, name).length).toBeLessThanOrEqual(63);
  });
});
