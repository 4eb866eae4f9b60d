// The finalizer written by merge patch against the in-process API server: it never loses a finalizer
// someone else added after the operator's cache was filled, and never touches the user's fields.
import { KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKubeTestServer, type KubeObject, type KubeTestServer } from "../../test/helpers/kube-test-server.js";
import { yamlObjects } from "../testing/yaml-dir.js";
import { AGENT_FINALIZER, hasAgentFinalizer, setAgentFinalizer } from "./agent-finalizer.js";

const AR = "omnia.altairalabs.ai/v1alpha1";
const ns = "default";

describe("setAgentFinalizer", () => {
  let server: KubeTestServer;
  let api: KubernetesObjectApi;
  const stored = (name: string) => server.state.get(AR, "AgentRuntime", name, ns)!;
  /** The stored object as client-node types it (as the informer cache hands it to the reconciler). */
  const read = (name: string) => stored(name) as unknown as KubernetesObject;

  beforeAll(async () => {
    server = await startKubeTestServer({ crds: await yamlObjects<KubeObject>("deploy/crds") });
    api = KubernetesObjectApi.makeApiClient(server.kubeConfig());
  });
  afterAll(async () => {
    await server?.close();
  });

  const create = (name: string, finalizers?: string[]) =>
    api.create({ apiVersion: AR, kind: "AgentRuntime", metadata: { name, namespace: ns, ...(finalizers ? { finalizers } : {}) }, spec: { facades: [{ type: "websocket" }] } } as KubernetesObject);

  it("adds and removes only its own finalizer, and writes nothing when it is already as wanted", async () => {
    await create("plain", ["example.com/theirs"]);
    await setAgentFinalizer(api, read("plain"), true);
    expect(stored("plain").metadata.finalizers).toEqual(["example.com/theirs", AGENT_FINALIZER]);
    expect(hasAgentFinalizer(read("plain"))).toBe(true);
    expect(stored("plain").spec).toEqual({ facades: [{ type: "websocket" }] });
    server.resetCalls();
    await setAgentFinalizer(api, read("plain"), true);
    expect(server.countCalls({ verb: "patch" })).toBe(0);
    await setAgentFinalizer(api, read("plain"), false);
    expect(stored("plain").metadata.finalizers).toEqual(["example.com/theirs"]);
  });

  it("reads again after a 409 instead of dropping a finalizer added since the object was read", async () => {
    await create("raced");
    const stale = read("raced");
    server.resetCalls();
    server.state.mutate(AR, "AgentRuntime", "raced", ns, (o) => (o.metadata.finalizers = ["example.com/late"]));
    await setAgentFinalizer(api, stale, true);
    expect(stored("raced").metadata.finalizers).toEqual(["example.com/late", AGENT_FINALIZER]);
    expect(server.calls.filter((c) => c.verb === "patch").map((c) => c.code)).toContain(409);
  });

  it("removing it from a deleting object lets the API server delete it; an object already gone is no error", async () => {
    await create("leaving");
    await setAgentFinalizer(api, read("leaving"), true);
    await api.delete({ apiVersion: AR, kind: "AgentRuntime", metadata: { name: "leaving", namespace: ns } });
    const deleting = read("leaving");
    expect(deleting.metadata?.deletionTimestamp).toBeDefined();
    await setAgentFinalizer(api, deleting, false);
    expect(server.state.get(AR, "AgentRuntime", "leaving", ns)).toBeUndefined();
    await expect(setAgentFinalizer(api, deleting, false)).resolves.toBeUndefined();
  });
});
