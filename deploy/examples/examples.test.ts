// The example manifests are what users apply and what local mode runs: they must load, resolve,
// and carry the content the rest of the system relies on.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadManifestDir } from "../../shared/manifests/load-manifests.js";
import { resolveAgents } from "../../shared/manifests/resolve-agent.js";
import { renderRuntimeEnv } from "../../shared/manifests/runtime-env.js";
import { parseToolsConfig, renderToolsConfig } from "../../shared/manifests/tools-config.js";
import { clientKeysFromSecret } from "../../shared/auth/index.js";

const dir = fileURLToPath(new URL(".", import.meta.url));

describe("deploy/examples", () => {
  it("load and resolve into the assistant agent, open, and the secured agent", async () => {
    const set = await loadManifestDir(dir);
    const agents = resolveAgents(set);
    expect(agents.map((a) => a.agent.metadata.name)).toEqual(["assistant", "secured"]);
    expect(agents[0]?.agent.spec.externalAuth).toBeUndefined();
    const [agent] = agents;
    expect(agent?.provider.spec).toMatchObject({ type: "mock", model: "mock-model" });
    expect(agent?.promptPack.spec).toMatchObject({ packName: "assistant", version: "1.0.0" });
    expect(agent?.agent.spec.context).toEqual({ type: "memory", ttl: "24h" });
    expect(agent?.agent.spec.facades).toMatchObject([{ type: "websocket", port: 8080 }]);
  });

  it("ship a pack whose prompt uses variables with defaults and the get_location tool", async () => {
    const [agent] = resolveAgents(await loadManifestDir(dir));
    const prompt = agent?.pack.prompts.assistant;
    expect(prompt?.system_template).toMatch(/\{\{assistant_name\}\}.*\{\{company\}\}/);
    for (const variable of prompt?.variables ?? []) expect(variable.default).toBeDefined();
    expect(prompt?.tools).toEqual(["get_location"]);
    expect(Object.keys(agent?.pack.tools ?? {})).toEqual(["get_location"]);
  });

  it("register get_location as a client tool with a consent message", async () => {
    const [agent] = resolveAgents(await loadManifestDir(dir));
    const config = parseToolsConfig(renderToolsConfig(agent?.toolRegistry));
    expect(config.handlers).toMatchObject([
      { name: "get_location", type: "client", clientConfig: { consentMessage: "Share your location with the assistant?", categories: ["location"] } },
    ]);
  });

  it("mount scripted mock scenarios, including a tool-call turn", async () => {
    const [agent] = resolveAgents(await loadManifestDir(dir));
    if (!agent) throw new Error("no agent");
    expect(renderRuntimeEnv(agent, { packDir: "/p", toolsPath: "/t" }).OMNIA_MOCK_CONFIG_PATH).toBe("/etc/omnia/mock/scenarios.yaml");
    const mock = parse(agent.mockConfig?.text ?? "") as {
      defaultResponse: string;
      scenarios: Record<string, { defaultResponse?: string; turns: Record<string, unknown> }>;
    };
    expect(typeof mock.defaultResponse).toBe("string");
    expect(mock.scenarios.default?.defaultResponse?.split(/\s+/).length).toBeGreaterThan(20);
    expect(mock.scenarios.tools?.turns["1"]).toEqual({
      type: "tool_calls",
      tool_calls: [{ name: "get_location", arguments: { precision: "city" } }],
    });
    expect(mock.scenarios.tools?.turns["2"]).toMatch(/location/);
  });

  it("keep the secured agent behind the two demo keys of the Secret its externalAuth names", async () => {
    const set = await loadManifestDir(dir);
    const secured = resolveAgents(set).find((a) => a.agent.metadata.name === "secured");
    expect(secured?.agent.spec.externalAuth).toMatchObject({ clientKeys: { secretRef: { name: "secured-keys" } } });
    expect(secured?.agent.spec.externalAuth?.oidc).toBeUndefined();
    const secret = set.secrets.get("default/secured-keys");
    expect(clientKeysFromSecret(secret)).toEqual([
      { name: "alice", key: "omnia-demo-alice", role: "viewer" },
      { name: "bob", key: "omnia-demo-bob", role: "viewer" },
    ]);
    expect(await readFile(`${dir}/secret-secured-keys.yaml`, "utf8")).toMatch(/LOCAL DEMO VALUES ONLY/);
  });

  it("start with a comment saying what they are and how to apply them", async () => {
    const names = ["provider-mock.yaml", "promptpack-assistant.yaml", "toolregistry-assistant.yaml", "mock-scenarios.yaml", "agentruntime-assistant.yaml", "agentruntime-secured.yaml", "secret-secured-keys.yaml"];
    for (const name of names) {
      const text = await readFile(`${dir}/${name}`, "utf8");
      expect(text.startsWith("#"), name).toBe(true);
      expect(text, name).toContain(`kubectl apply -f deploy/examples/${name}`);
    }
  });
});
