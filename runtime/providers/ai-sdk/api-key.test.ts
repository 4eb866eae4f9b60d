import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ApiKey } from "./api-key.js";

describe("ApiKey", () => {
  it("never shows its value when logged, serialised or interpolated", () => {
    const key = new ApiKey("sk-secret");
    expect(JSON.stringify({ key })).toBe('{"key":"[redacted]"}');
    expect(`${key}`).toBe("[redacted]");
    expect(inspect({ key })).not.toContain("sk-secret");
    expect(key.reveal()).toBe("sk-secret");
  });

  it("reads a key file without surrounding whitespace, and names the variable when it cannot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "api-key-"));
    writeFileSync(join(dir, "key"), "sk-file\n");
    writeFileSync(join(dir, "empty"), "  \n");
    expect((await ApiKey.fromFile(join(dir, "key"), "OMNIA_PROVIDER_CREDENTIAL_FILE")).reveal()).toBe("sk-file");
    await expect(ApiKey.fromFile(join(dir, "empty"), "OMNIA_PROVIDER_CREDENTIAL_FILE")).rejects.toThrow(/^OMNIA_PROVIDER_CREDENTIAL_FILE: the provider key file .* is empty/);
    await expect(ApiKey.fromFile(join(dir, "missing"), "OMNIA_PROVIDER_CREDENTIAL_FILE")).rejects.toThrow(/cannot read the provider key file .* \(ENOENT\)/);
  });
});
