// The Omnia kinds served as CRDs: names, scope and printer columns as the reference operator has them,
// with the valibot schemas the loader validates with.
import { AgentRuntimeSpecSchema } from "../agent-runtime.js";
import { PromptPackSpecSchema } from "../prompt-pack.js";
import { ProviderSpecSchema } from "../provider.js";
import { ToolRegistrySpecSchema } from "../tool-registry.js";
import { WorkspaceSpecSchema } from "../workspace.js";
import type { CrdKind, PrinterColumn } from "./custom-resource-definition.js";
import {
  AgentRuntimeStatusSchema,
  PromptPackStatusSchema,
  ProviderStatusSchema,
  ToolRegistryStatusSchema,
  WorkspaceStatusSchema,
} from "./statuses.js";

const PHASE: PrinterColumn = { name: "Phase", type: "string", jsonPath: ".status.phase" };

/** Neither of two alternative spellings may be set together (the loader says the same). */
const notBoth = (a: string, b: string) => ({ not: { required: [a, b] } });

export const AGENT_RUNTIME_CRD: CrdKind = {
  kind: "AgentRuntime",
  plural: "agentruntimes",
  singular: "agentruntime",
  shortNames: ["agent", "ar"],
  scope: "Namespaced",
  description: "AgentRuntime runs one agent: a PromptPack, its Providers and ToolRegistry behind facade and runtime containers.",
  spec: AgentRuntimeSpecSchema,
  status: AgentRuntimeStatusSchema,
  // `facades` or the early single `facade`; each early alias excludes its current name.
  specRules: {
    anyOf: [{ required: ["facades"] }, { required: ["facade"] }],
    allOf: [notBoth("facades", "facade"), notBoth("context", "session"), notBoth("providers", "providerRef")],
  },
  printerColumns: [
    PHASE,
    { name: "Ready", type: "integer", jsonPath: ".status.replicas.ready" },
    { name: "Version", type: "string", jsonPath: ".status.activeVersion" },
  ],
};

export const PROMPT_PACK_CRD: CrdKind = {
  kind: "PromptPack",
  plural: "promptpacks",
  singular: "promptpack",
  shortNames: ["pp"],
  scope: "Namespaced",
  description: "PromptPack names a PromptPack 1.4.0 pack and the ConfigMap key (pack.json) holding its content.",
  spec: PromptPackSpecSchema,
  status: PromptPackStatusSchema,
  printerColumns: [{ name: "Version", type: "string", jsonPath: ".spec.version" }, PHASE],
};

export const TOOL_REGISTRY_CRD: CrdKind = {
  kind: "ToolRegistry",
  plural: "toolregistries",
  singular: "toolregistry",
  shortNames: ["tr"],
  scope: "Namespaced",
  description: "ToolRegistry lists the tool handlers (HTTP, OpenAPI, gRPC, MCP, client) agents may call.",
  spec: ToolRegistrySpecSchema,
  status: ToolRegistryStatusSchema,
  printerColumns: [{ name: "Tools", type: "integer", jsonPath: ".status.discoveredToolsCount" }, PHASE],
};

export const PROVIDER_CRD: CrdKind = {
  kind: "Provider",
  plural: "providers",
  singular: "provider",
  shortNames: ["prov"],
  scope: "Namespaced",
  description: "Provider is a model an agent talks to, with its credentials, defaults and pricing.",
  spec: ProviderSpecSchema,
  status: ProviderStatusSchema,
  printerColumns: [
    { name: "Type", type: "string", jsonPath: ".spec.type" },
    { name: "Model", type: "string", jsonPath: ".spec.model" },
    PHASE,
  ],
};

export const WORKSPACE_CRD: CrdKind = {
  kind: "Workspace",
  plural: "workspaces",
  singular: "workspace",
  shortNames: ["ws"],
  scope: "Cluster",
  description: "Workspace is one tenant: a namespace with its members, network isolation, budgets and services.",
  spec: WorkspaceSpecSchema,
  status: WorkspaceStatusSchema,
  printerColumns: [
    { name: "Display Name", type: "string", jsonPath: ".spec.displayName" },
    { name: "Environment", type: "string", jsonPath: ".spec.environment" },
    PHASE,
    { name: "Namespace", type: "string", jsonPath: ".status.namespace.name" },
  ],
};

export const OMNIA_CRDS: readonly CrdKind[] = [AGENT_RUNTIME_CRD, PROMPT_PACK_CRD, TOOL_REGISTRY_CRD, PROVIDER_CRD, WORKSPACE_CRD];
