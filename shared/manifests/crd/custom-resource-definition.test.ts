import { describe, expect, it } from "vitest";
import { customResourceDefinition } from "./custom-resource-definition.js";
import { AGENT_RUNTIME_CRD, OMNIA_CRDS, WORKSPACE_CRD } from "./omnia-kinds.js";
import { structuralViolations } from "./structural-rules.js";

describe("customResourceDefinition", () => {
  it("names, scopes and serves AgentRuntime as the reference does, with a status subresource", () => {
    const crd = customResourceDefinition(AGENT_RUNTIME_CRD);
    expect(crd.metadata.name).toBe("agentruntimes.omnia.altairalabs.ai");
    expect(crd.spec).toMatchObject({
      group: "omnia.altairalabs.ai",
      names: { kind: "AgentRuntime", listKind: "AgentRuntimeList", plural: "agentruntimes", singular: "agentruntime", shortNames: ["agent", "ar"] },
      scope: "Namespaced",
    });
    const [version] = crd.spec.versions;
    expect(version).toMatchObject({ name: "v1alpha1", served: true, storage: true, subresources: { status: {} } });
    expect(version?.additionalPrinterColumns.map((c) => `${c.name} ${c.jsonPath}`)).toEqual([
      "Phase .status.phase",
      "Ready .status.replicas.ready",
      "Version .status.activeVersion",
      "Age .metadata.creationTimestamp",
    ]);
  });

  it("makes Workspace cluster-scoped with its reference columns", () => {
    const crd = customResourceDefinition(WORKSPACE_CRD);
    expect(crd.spec.scope).toBe("Cluster");
    expect(crd.spec.names.shortNames).toEqual(["ws"]);
    expect(crd.spec.versions[0]?.additionalPrinterColumns.map((c) => c.name)).toEqual([
      "Display Name",
      "Environment",
      "Phase",
      "Namespace",
      "Age",
    ]);
  });

  it("gives every kind a structural schema with the status fields the operator writes", () => {
    for (const kind of OMNIA_CRDS) {
      const schema = customResourceDefinition(kind).spec.versions[0]?.schema.openAPIV3Schema;
      expect(structuralViolations(schema), kind.kind).toEqual([]);
      expect(schema?.required).toEqual(["spec"]);
      const status = schema?.properties?.status;
      expect(Object.keys(status?.properties ?? {}).slice(0, 3), kind.kind).toEqual(["phase", "conditions", "observedGeneration"]);
      expect(status?.properties?.conditions?.items?.required).toEqual(["type", "status", "lastTransitionTime", "reason", "message"]);
    }
    const agentStatus = customResourceDefinition(AGENT_RUNTIME_CRD).spec.versions[0]?.schema.openAPIV3Schema.properties?.status;
    expect(agentStatus?.properties?.phase?.enum).toEqual(["Pending", "Running", "Failed"]);
    expect(Object.keys(agentStatus?.properties ?? {})).toEqual(
      expect.arrayContaining(["replicas", "activeVersion", "serviceEndpoint", "facade", "runtimeCapabilities"]),
    );
  });
});
