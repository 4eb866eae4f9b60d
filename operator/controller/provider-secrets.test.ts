import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../test/helpers/eventually.js";
import { startKubeTestServer, type KubeTestServer } from "../../test/helpers/kube-test-server.js";
import { ProviderSecretWatches } from "./provider-secrets.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("ProviderSecretWatches", () => {
  let server: KubeTestServer;
  let watches: ProviderSecretWatches;
  const changes: string[] = [];

  beforeAll(async () => {
    server = await startKubeTestServer();
    watches = new ProviderSecretWatches(server.kubeConfig(), (ns, name) => changes.push(`${ns}/${name}`), () => undefined, 100);
  });
  afterAll(async () => {
    await watches?.stop();
    await server?.close();
  });

  it("watches the named Secret only, reads it from its cache, and stops when no longer retained", async () => {
    const core = server.kubeConfig().makeApiClient(CoreV1Api);
    expect(await watches.get("default", "key")).toBeUndefined();
    await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "other" }, data: { k: "eA==" } } });
    await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "key" }, data: { k: "eA==" } } });
    await eventually(async () => expect(changes).toEqual(["default/key"]));
    expect((await watches.get("default", "key"))?.data).toEqual({ k: "eA==" });
    expect(server.countCalls({ verb: "get", resource: "secrets" })).toBe(0);

    watches.retain(new Set());
    await sleep(100);
    server.state.mutate("v1", "Secret", "key", "default", (s) => {
      s.data = { k: "eQ==" };
    });
    await sleep(300);
    expect(changes).toEqual(["default/key"]);
  });
});
