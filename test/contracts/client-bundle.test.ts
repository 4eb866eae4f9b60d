// The committed browser bundle of the protocol client is exactly what `npm run gen:client` builds
// from shared/client/ now, and it loads as an ES module that exports the client.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLIENT_BUNDLE_MODULE, bundleClientJs, renderClientBundleModule } from "../../scripts/bundle-client.js";

describe("generated client bundle", () => {
  it("matches what scripts/bundle-client.ts builds from shared/client (run `npm run gen:client` if not)", async () => {
    expect(await renderClientBundleModule()).toBe(readFileSync(CLIENT_BUNDLE_MODULE, "utf8"));
  });

  it("is an ES module exporting the client", async () => {
    const js = await bundleClientJs();
    const module: unknown = await import(`data:text/javascript;base64,${Buffer.from(js).toString("base64")}`);
    expect(module).toMatchObject({ OmniaClient: expect.any(Function), OmniaTurnError: expect.any(Function), Turn: expect.any(Function) });
  });
});
