import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BridgeToken } from "./bridge-token.js";

let dir: string;
beforeAll(async () => void (dir = await mkdtemp(join(tmpdir(), "omnia-bridge-token-"))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe("BridgeToken", () => {
  it("admits exactly `Bearer <token>`", () => {
    const token = new BridgeToken("abc123");
    expect(token.admits("Bearer abc123")).toBe(true);
    expect(token.admits("bearer abc123")).toBe(true);
    for (const wrong of [null, "", "abc123", "Bearer", "Bearer abc12", "Bearer abc1234", "Basic abc123", "Bearer abc123 extra"]) {
      expect(token.admits(wrong)).toBe(false);
    }
  });

  it("reads a mounted Secret's file, without its trailing newline", async () => {
    await writeFile(join(dir, "token"), "from-a-secret\n");
    expect((await BridgeToken.fromFile(join(dir, "token"), "OMNIA_BRIDGE_TOKEN_FILE")).admits("Bearer from-a-secret")).toBe(true);
  });

  it("fails naming the variable for a missing or empty file", async () => {
    await expect(BridgeToken.fromFile(join(dir, "missing"), "OMNIA_BRIDGE_TOKEN_FILE")).rejects.toThrow(/^OMNIA_BRIDGE_TOKEN_FILE: cannot read the bridge token file .*missing \(ENOENT\)/);
    await writeFile(join(dir, "empty"), " \n");
    await expect(BridgeToken.fromFile(join(dir, "empty"), "OMNIA_BRIDGE_TOKEN_FILE")).rejects.toThrow(/^OMNIA_BRIDGE_TOKEN_FILE: .* is empty/);
  });

  it("shows nothing of the token when logged or printed", async () => {
    const token = new BridgeToken("do-not-print-me");
    const { inspect } = await import("node:util");
    for (const shown of [JSON.stringify({ token }), String(token), inspect(token, { showHidden: true })]) expect(shown).not.toContain("do-not-print-me");
  });
});
