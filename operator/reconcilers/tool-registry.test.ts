// The ToolRegistry reconciler, run by the operator's controller against the in-process API server:
// tools discovered from a real OpenAPI service and a real MCP server (streamable HTTP), declared
// tools as they are, a stdio MCP server left to the agent pod, an unreachable handler reported.
import { KubernetesObjectApi, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../test/helpers/eventually.js";
import { freePort } from "../../test/helpers/free-port.js";
import { startKubeTestServer, type KubeObject, type KubeTestServer } from "../../test/helpers/kube-test-server.js";
import { EVERYTHING_STDIO, type EverythingHttp, startEverythingHttp } from "../../test/helpers/tool-servers/mcp-everything.js";
import { type PetService, startPetService } from "../../test/helpers/tool-servers/openapi-pet-service.js";
import type { AgentRuntimeController } from "../controller/agent-runtime-controller.js";
import { toolRegistryKey } from "../controller/agent-runtime-controller.js";
import { settled, testController, WRITES } from "../testing/controller-harness.js";
import { yamlObjects } from "../testing/yaml-dir.js";

const AR = "omnia.altairalabs.ai/v1alpha1";
const ns = "default";

type Tool = { name: string; handlerName: string; status: string; error?: string; endpoint?: string; lastChecked: string; inputSchema?: unknown };
type Status = {
  phase?: string;
  discoveredTools?: Tool[];
  discoveredToolsCount?: number;
  lastDiscoveryTime?: string;
  conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
};
const statusOf = (server: KubeTestServer, name: string) => server.state.get(AR, "ToolRegistry", name, ns)?.status as Status | undefined;
const conditionOf = (server: KubeTestServer, name: string, type: string) => statusOf(server, name)?.conditions?.find((c) => c.type === type);

describe("ToolRegistry reconciler", () => {
  let server: KubeTestServer;
  let controller: AgentRuntimeController;
  let api: KubernetesObjectApi;
  let pets: PetService;
  let everything: EverythingHttp;
  let closedPort: number;

  beforeAll(async () => {
    [pets, everything, closedPort] = await Promise.all([startPetService(), startEverythingHttp("streamableHttp"), freePort()]);
    server = await startKubeTestServer({ crds: await yamlObjects<KubeObject>("deploy/crds") });
    api = KubernetesObjectApi.makeApiClient(server.kubeConfig());
    for (const object of await yamlObjects<KubeObject>("deploy/examples")) await api.create(object as KubernetesObject);
    controller = testController(server);
    await controller.start();
  }, 60_000);
  afterAll(async () => {
    await controller?.stop();
    await server?.close();
    await Promise.all([pets?.close(), everything?.stop()]);
  });

  it("reports the example's declared client tools as Available and the registry Ready", async () => {
    await eventually(async () => {
      expect(statusOf(server, "assistant-tools")).toMatchObject({ phase: "Ready" });
      expect(conditionOf(server, "assistant-tools", "ToolsDiscovered")).toMatchObject({ status: "True", reason: "ToolsDiscovered" });
      expect(conditionOf(server, "assistant-tools", "HandlersValid")).toMatchObject({ status: "True" });
    });
    const status = statusOf(server, "assistant-tools")!;
    expect(status.discoveredToolsCount).toBe(status.discoveredTools?.length);
    expect(status.discoveredTools?.every((t) => t.status === "Available")).toBe(true);
  });

  it("discovers OpenAPI operations and MCP tools over the network, leaves stdio servers to the pod, and reports an unreachable handler as Degraded", async () => {
    await api.create({
      apiVersion: AR,
      kind: "ToolRegistry",
      metadata: { name: "mixed", namespace: ns },
      spec: {
        handlers: [
          { name: "pets", type: "openapi", openAPIConfig: { specURL: `${pets.url}/openapi.json`, operationFilter: ["listPets", "getPet"] } },
          { name: "everything", type: "mcp", mcpConfig: { transport: "streamable-http", endpoint: everything.endpoint, toolFilter: { allowlist: ["echo"] } } },
          { name: "local", type: "mcp", mcpConfig: { transport: "stdio", command: EVERYTHING_STDIO.command, args: EVERYTHING_STDIO.args } },
          { name: "gone", type: "openapi", openAPIConfig: { specURL: `http://127.0.0.1:${closedPort}/openapi.json` } },
        ],
      },
    } as KubernetesObject);
    await eventually(async () => expect(statusOf(server, "mixed")?.phase).toBe("Degraded"), 20_000);
    const status = statusOf(server, "mixed")!;
    const byName = Object.fromEntries((status.discoveredTools ?? []).map((t) => [t.name, t]));
    expect(Object.keys(byName).sort()).toEqual(["echo", "getPet", "gone", "listPets", "local"]);
    expect(byName.listPets).toMatchObject({ handlerName: "pets", status: "Available", endpoint: `${pets.url}/openapi.json` });
    expect(byName.echo).toMatchObject({ handlerName: "everything", status: "Available", inputSchema: expect.objectContaining({ type: "object" }) });
    expect(byName.local).toMatchObject({ status: "Unknown", error: expect.stringContaining("runs in the agent pod") });
    expect(byName.gone).toMatchObject({ status: "Unavailable", error: expect.any(String) });
    expect(status.discoveredToolsCount).toBe(3);
    expect(conditionOf(server, "mixed", "ToolsDiscovered")).toMatchObject({ status: "False", reason: "DiscoveryFailed", message: expect.stringMatching(/^gone: /) });
  });

  it("writes nothing on a second pass over unchanged registries", async () => {
    await settled(controller);
    const before = statusOf(server, "mixed");
    server.resetCalls();
    const reconciles = controller.reconciles;
    controller.queue.add(toolRegistryKey(ns, "mixed"));
    controller.queue.add(toolRegistryKey(ns, "assistant-tools"));
    await eventually(async () => expect(controller.reconciles).toBeGreaterThanOrEqual(reconciles + 2));
    await settled(controller);
    expect(server.calls.filter((c) => WRITES.includes(c.verb) && c.resource !== "leases")).toEqual([]);
    expect(statusOf(server, "mixed")).toEqual(before);
  });

  it("reports a registry its schema rejects as Failed with HandlersValid False", async () => {
    await api.create({ apiVersion: AR, kind: "ToolRegistry", metadata: { name: "broken", namespace: ns }, spec: { handlers: [{ name: "x", type: "http" }] } } as KubernetesObject);
    await eventually(async () => {
      expect(statusOf(server, "broken")).toMatchObject({ phase: "Failed" });
      expect(conditionOf(server, "broken", "HandlersValid")).toMatchObject({ status: "False", reason: "InvalidSpec", message: expect.stringContaining("required for a handler of type http") });
    });
  });
});
