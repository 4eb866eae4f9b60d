import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { KubernetesObject } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { AgentRuntime } from "../../shared/manifests/agent-runtime.js";
import { resolveAgentReferences, parseClusterObject } from "./agent-references.js";
import type { ClusterReader } from "./cluster-reader.js";

let examples: KubernetesObject[];
beforeAll(async () => {
  examples = [];
  const dir = "deploy/examples";
  for (const name of (await readdir(dir)).filter((n) => n.endsWith(".yaml")).sort()) {
    for (const doc of parseAllDocuments(await readFile(join(dir, name), "utf8"))) {
      const value = doc.toJS() as KubernetesObject | null;
      if (value) examples.push(value);
    }
  }
});

function readerOf(objects: KubernetesObject[]): ClusterReader {
  const find = (kind: string, namespace: string) => objects.filter((o) => o.kind === kind && (o.metadata?.namespace ?? "default") === namespace);
  return {
    get: (kind, namespace, name) => find(kind, namespace).find((o) => o.metadata?.name === name),
    list: (kind, namespace) => find(kind, namespace),
    ownedBy: (uid) => objects.filter((o) => o.metadata?.ownerReferences?.some((r) => r.uid === uid && r.controller)),
  };
}

function agentOf(objects: KubernetesObject[]): AgentRuntime {
  const parsed = parseClusterObject(objects.find((o) => o.kind === "AgentRuntime")!);
  if (!parsed.ok || parsed.object.kind !== "AgentRuntime") throw new Error("example agent invalid");
  return parsed.object;
}

const without = (kind: string) => examples.filter((o) => o.kind !== kind);

describe("resolveAgentReferences", () => {
  it("resolves the examples with every reference ready, and lists what it looked at", () => {
    const refs = resolveAgentReferences(agentOf(examples), readerOf(examples));
    expect(refs.resolved?.promptPack.metadata.name).toBe("assistant");
    expect(refs.readiness).toMatchObject({ promptPack: { ready: true }, provider: { ready: true }, toolRegistry: { ready: true } });
    expect(refs.refs.sort()).toEqual(
      ["ConfigMap/default/assistant-mock", "ConfigMap/default/assistant-pack", "PromptPack/default/assistant", "Provider/default/mock", "ToolRegistry/default/assistant-tools"].sort(),
    );
  });

  it("reports a missing Provider, PromptPack or ToolRegistry as NotFound on its own condition", () => {
    for (const [kind, key, reason] of [
      ["Provider", "provider", "ProviderNotFound"],
      ["PromptPack", "promptPack", "PromptPackNotFound"],
      ["ToolRegistry", "toolRegistry", "ToolRegistryNotFound"],
    ] as const) {
      const refs = resolveAgentReferences(agentOf(examples), readerOf(without(kind)));
      expect(refs.resolved).toBeUndefined();
      expect(refs.readiness[key]).toMatchObject({ ready: false, reason, message: expect.stringContaining("not found") });
    }
  });

  it("reports pack content that is not JSON as PromptPackInvalid, naming the ConfigMap", () => {
    const broken = examples.map((o) => (o.kind === "ConfigMap" && o.metadata?.name === "assistant-pack" ? { ...o, data: { "pack.json": "{ nope" } } : o));
    const refs = resolveAgentReferences(agentOf(examples), readerOf(broken as KubernetesObject[]));
    expect(refs.readiness.promptPack).toMatchObject({ ready: false, reason: "PromptPackInvalid", message: expect.stringContaining("assistant-pack") });
    expect(refs.readiness.provider.ready).toBe(true);
  });

  it("reports a Provider the schema rejects as ProviderInvalid", () => {
    const broken = examples.map((o) => (o.kind === "Provider" ? { ...o, spec: { role: "llm" } } : o));
    const refs = resolveAgentReferences(agentOf(examples), readerOf(broken as KubernetesObject[]));
    expect(refs.readiness.provider).toMatchObject({ ready: false, reason: "ProviderInvalid", message: expect.stringContaining("Provider default/mock") });
  });
});
