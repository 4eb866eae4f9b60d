import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { describeIssues } from "./issue-path.js";
import { loadManifestTexts } from "./load-manifests.js";
import { ManifestLoadError } from "./manifest-error.js";
import { WorkspaceSchema } from "./workspace.js";

function workspace(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return {
    apiVersion: "omnia.altairalabs.ai/v1alpha1",
    kind: "Workspace",
    metadata: { name: "team-a", ...metadata },
    spec: { displayName: "Team A", namespace: { name: "team-a", create: true }, ...spec },
  };
}

function issues(input: unknown) {
  const result = v.safeParse(WorkspaceSchema, input);
  return result.success ? [] : describeIssues(result.issues);
}

describe("WorkspaceSchema", () => {
  it("loads a reference workspace, cluster-scoped (no namespace defaulted) with storage defaults", () => {
    const parsed = v.parse(
      WorkspaceSchema,
      workspace({
        environment: "production",
        roleBindings: [{ role: "owner", groups: ["team-a-admins"] }, { role: "viewer", serviceAccounts: [{ name: "ci", namespace: "ci" }] }],
        directGrants: [{ user: "ana@example.com", role: "editor", expires: "2026-12-31T00:00:00Z" }],
        anonymousAccess: { enabled: true },
        networkPolicy: { isolate: true, allowFrom: [{ namespaceSelector: { matchLabels: { team: "a" } } }] },
        costControls: { dailyBudget: "10", budgetExceededAction: "warn", alertThresholds: [50, 80] },
        storage: {},
        services: [{ name: "default" }, { name: "shared", mode: "external", external: { sessionURL: "http://s" } }],
      }),
    );
    expect(parsed.metadata).toEqual({ name: "team-a" });
    expect(parsed.spec.storage).toEqual({ enabled: true, size: "10Gi", accessModes: ["ReadWriteMany"] });
    expect(parsed.spec.anonymousAccess).toEqual({ enabled: true, role: "viewer" });
    expect(parsed.spec.services?.[0]?.mode).toBe("managed");
  });

  it("requires a display name and a namespace", () => {
    const input = workspace();
    delete (input.spec as { displayName?: unknown }).displayName;
    delete (input.spec as { namespace?: unknown }).namespace;
    expect(issues(input)).toEqual([
      { field: "spec.displayName", message: "required" },
      { field: "spec.namespace", message: "required" },
    ]);
  });

  it("rejects an unknown role, environment and a misspelled top-level field", () => {
    expect(issues(workspace({ environment: "prod", roleBindings: [{ role: "admin" }], quotas: {} }))).toEqual([
      { field: "spec.environment", message: '"prod" is not one of development, staging, production' },
      { field: "spec.roleBindings[0].role", message: '"admin" is not one of owner, editor, viewer' },
      { field: "spec.quotas", message: "unknown field quotas" },
    ]);
  });

  it("rejects a namespace name that is not a DNS label", () => {
    expect(issues(workspace({ namespace: { name: "Team.A" } }))).toEqual([
      { field: "spec.namespace.name", message: '"Team.A" is not a DNS-1123 label (lowercase letters, digits and \'-\')' },
    ]);
  });

  it("is loaded from a manifest directory by name (cluster-scoped), and named so in errors", () => {
    const set = loadManifestTexts([{ file: "ws.yaml", text: JSON.stringify(workspace()) }]);
    expect([...set.workspaces.keys()]).toEqual(["team-a"]);
    expect(set.files.get("Workspace team-a")).toBe("ws.yaml");
    try {
      loadManifestTexts([{ file: "ws.yaml", text: JSON.stringify(workspace({ displayName: "" })) }]);
      expect.unreachable();
    } catch (error) {
      if (!(error instanceof ManifestLoadError)) throw error;
      expect(error.errors).toEqual([{ file: "ws.yaml", object: "Workspace team-a", field: "spec.displayName", message: "must not be empty" }]);
    }
  });
});
