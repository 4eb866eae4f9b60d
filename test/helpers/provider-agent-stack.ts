// An agent as a user would apply it, run by local mode: a Provider of type openai pointed by baseURL
// at a local Chat Completions server (key from OPENAI_API_KEY, priced per 1K tokens), a PromptPack
// whose prompt offers server-everything's MCP tools, and a ToolRegistry with an mcp stdio handler.
// The runtime and the Node facade run as real processes (startLocalStack).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalStack, type LocalStack } from "../../deploy/local/local-stack.js";
import type { PackContent } from "../../shared/manifests/pack-content.js";
import { agentRuntime, packConfigMap, promptPack, provider, toolRegistry, validPackJson, yamlDocs } from "../../shared/manifests/test-fixtures.js";
import { EVERYTHING_STDIO } from "./tool-servers/mcp-everything.js";

export const AGENT_API_KEY = "sk-e2e-test";
export const PRICING = { inputCostPer1K: 0.5, outputCostPer1K: 1.5 };
export const MODEL = "gpt-4o-mini";

export interface AgentPolicy {
  /** The prompt's tools, all served by the everything handler. */
  tools: string[];
  blocklist?: string[];
  maxToolCallsPerTurn?: number;
}

export interface ProviderAgentStack {
  /** ws://…/ws of the facade, for agent default/assistant. */
  wsUrl: string;
  stack: LocalStack;
  stop(): Promise<void>;
}

/** Writes the manifests to a temp dir and starts the local stack on them. */
export async function startProviderAgentStack(baseURL: string, policy: AgentPolicy): Promise<ProviderAgentStack> {
  const dir = mkdtempSync(join(tmpdir(), "omnia-provider-agent-"));
  const manifests = join(dir, "manifests");
  mkdirSync(manifests);
  writeFileSync(join(manifests, "agent.yaml"), agentManifests(baseURL, policy));
  try {
    const stack = await startLocalStack({ manifestsDir: manifests, port: 0, stateDir: join(dir, "state"), runtimeEnv: { OPENAI_API_KEY: AGENT_API_KEY } });
    return {
      wsUrl: `ws://127.0.0.1:${stack.port}/ws?agent=assistant`,
      stack,
      async stop() {
        await stack.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function agentManifests(baseURL: string, policy: AgentPolicy): string {
  const pack: PackContent = {
    ...validPackJson,
    prompts: {
      assistant: {
        id: "assistant",
        name: "Assistant",
        version: "1.0.0",
        system_template: `You are terse. Use the tools ${policy.tools.join(", ")} when they help.`,
        tools: policy.tools,
        tool_policy: {
          tool_choice: "auto",
          ...(policy.blocklist ? { blocklist: policy.blocklist } : {}),
          ...(policy.maxToolCallsPerTurn !== undefined ? { max_tool_calls_per_turn: policy.maxToolCallsPerTurn } : {}),
        },
      },
    },
  };
  const pricing = { inputCostPer1K: String(PRICING.inputCostPer1K), outputCostPer1K: String(PRICING.outputCostPer1K) };
  const registry = toolRegistry();
  const tools = { ...registry, spec: { handlers: [{ name: "everything", type: "mcp", timeout: "10s", mcpConfig: { transport: "stdio", ...EVERYTHING_STDIO } }] } };
  return yamlDocs(
    packConfigMap("assistant-pack", pack),
    promptPack(),
    provider("openai", { type: "openai", model: MODEL, baseURL, credential: { envVar: "OPENAI_API_KEY" }, pricing }),
    tools,
    agentRuntime("assistant", { providers: [{ name: "llm", providerRef: { name: "openai" } }], toolRegistryRef: { name: "assistant-tools" } }),
  );
}
