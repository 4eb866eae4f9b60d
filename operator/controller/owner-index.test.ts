import { describe, expect, it } from "vitest";
import { OwnerIndex } from "./owner-index.js";

const owned = (name: string, uid?: string, kind = "AgentRuntime") => ({
  metadata: { name, namespace: "ns", ...(uid ? { ownerReferences: [{ apiVersion: "v", kind, name: "a", uid, controller: true }] } : {}) },
});

describe("OwnerIndex", () => {
  it("follows an object's controlling AgentRuntime through adds, owner changes and deletes", () => {
    const index = new OwnerIndex();
    index.update("Deployment", owned("a", "u1"));
    index.update("Service", owned("a", "u1"));
    index.update("ConfigMap", owned("a-tools", "u2"));
    expect(index.owned("u1")).toEqual([
      { kind: "Deployment", namespace: "ns", name: "a" },
      { kind: "Service", namespace: "ns", name: "a" },
    ]);
    index.update("ConfigMap", owned("a-tools", "u1")); // adopted by another owner
    expect(index.owned("u2")).toEqual([]);
    expect(index.owned("u1")).toHaveLength(3);
    index.update("Service", owned("a")); // owner reference removed (orphaned)
    index.remove("Deployment", owned("a", "u1"));
    expect(index.owned("u1")).toEqual([{ kind: "ConfigMap", namespace: "ns", name: "a-tools" }]);
  });

  it("ignores owners that are not a controlling AgentRuntime", () => {
    const index = new OwnerIndex();
    index.update("Deployment", owned("d", "u1", "ReplicaSet"));
    expect(index.owned("u1")).toEqual([]);
  });
});
