// The edge facade's optional gRPC-web Ingress (`expose: {enabled, host}`) through the real controller
// against the in-process API server: made, owned by the agent, left alone when nothing changes, and
// pruned when no longer wanted.
import type { KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../test/helpers/eventually.js";
import type { KubeTestServer } from "../../test/helpers/kube-test-server.js";
import { quietPass, startExampleCluster, testController } from "../testing/controller-harness.js";
import type { AgentRuntimeController } from "./agent-runtime-controller.js";

const AR = "omnia.altairalabs.ai/v1alpha1";
const ING = "networking.k8s.io/v1";
const ns = "default";

describe("the edge facade's gRPC-web Ingress", () => {
  let server: KubeTestServer;
  let controller: AgentRuntimeController;

  const ingress = () => server.state.get(ING, "Ingress", "bridged-grpc-web", ns);
  const runtimeUrl = () => {
    const data = server.state.get("v1", "ConfigMap", "bridged-edge-worker", ns)?.data as Record<string, string> | undefined;
    return data ? (JSON.parse(data["vars.json"]!) as Record<string, string>).OMNIA_RUNTIME_URL : undefined;
  };
  const setExpose = (expose: Record<string, unknown>) =>
    server.state.mutate(AR, "AgentRuntime", "bridged", ns, (o) => {
      (o.spec as { facades: Array<Record<string, unknown>> }).facades[0]!.expose = expose;
    });

  beforeAll(async () => {
    const cluster = await startExampleCluster();
    server = cluster.server;
    const api = cluster.api;
    const spec = {
      ...(server.state.get(AR, "AgentRuntime", "assistant", ns)!.spec as Record<string, unknown>),
      facades: [{ type: "websocket", port: 8080, placement: "edge", expose: { enabled: true, host: "bridge.example.com" } }],
      externalAuth: { oidc: { issuer: "https://issuer.example.com", audience: "omnia" } },
    };
    await api.create({ apiVersion: AR, kind: "AgentRuntime", metadata: { name: "bridged", namespace: ns }, spec } as KubernetesObject);
    controller = testController(server);
    await controller.start();
  }, 60_000);
  afterAll(async () => {
    await controller?.stop();
    await server?.close();
  });

  it("routes the host to the Service's grpc-web port, owned by the agent, and points the Worker at https://<host>", async () => {
    await eventually(async () => expect(ingress()).toBeDefined());
    const agent = server.state.get(AR, "AgentRuntime", "bridged", ns)!;
    expect(ingress()!.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: "AgentRuntime", name: "bridged", uid: agent.metadata.uid, controller: true })]);
    expect(ingress()!.spec).toEqual({
      rules: [{ host: "bridge.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "bridged", port: { name: "grpc-web" } } } }] } }],
    });
    const service = server.state.get("v1", "Service", "bridged", ns)!;
    expect((service.spec as { ports: Array<{ name: string }> }).ports.map((p) => p.name)).toContain("grpc-web");
    expect(agent.metadata.finalizers).toBeUndefined();
    await eventually(async () => expect(runtimeUrl()).toBe("https://bridge.example.com"));
  });

  it("writes nothing on an unchanged pass", async () => {
    const { writes } = await quietPass(server, controller, `${ns}/bridged`);
    expect(writes).toEqual([]);
  });

  it("follows a new host, and prunes the Ingress once expose is turned off (the Worker goes back to the in-cluster URL)", async () => {
    setExpose({ enabled: true, host: "edge.example.org" });
    await eventually(async () => expect((ingress()?.spec as { rules: Array<{ host: string }> } | undefined)?.rules[0]?.host).toBe("edge.example.org"));
    await eventually(async () => expect(runtimeUrl()).toBe("https://edge.example.org"));
    setExpose({ enabled: false, host: "edge.example.org" });
    await eventually(async () => expect(ingress()).toBeUndefined());
    await eventually(async () => expect(runtimeUrl()).toBe(`http://bridged.${ns}.svc.cluster.local:9002`));
    expect(server.state.get("v1", "Service", "bridged", ns)).toBeDefined();
  });

  it("goes with the agent (owner reference)", async () => {
    setExpose({ enabled: true, host: "bridge.example.com" });
    await eventually(async () => expect(ingress()).toBeDefined());
    server.state.delete(AR, "AgentRuntime", "bridged", ns);
    await eventually(async () => expect(ingress()).toBeUndefined());
  });
});
