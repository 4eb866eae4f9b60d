// A real provider (Anthropic's wire format, served locally) behind the ConversationEngine: a turn
// whose stream is cut ends in PROVIDER_ERROR and stores nothing; a whole turn is stored and priced.
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PackContent, PackPrompt } from "../../../shared/manifests/pack-content.js";
import { MemorySessionStore } from "../../../shared/session/memory-session-store.js";
import { startAnthropicServer } from "../../../test/helpers/provider-servers/anthropic-server.js";
import { ANSWER, type ProviderServer, USAGE } from "../../../test/helpers/provider-servers/provider-server.js";
import { parseRuntimeConfig } from "../../config.js";
import { ConversationEngine } from "../../engine/conversation-engine.js";
import type { TurnEvent } from "../../engine/turn-events.js";
import { ToolManager } from "../../tools/tool-manager.js";
import { createLanguageModel } from "../create-language-model.js";

const PROMPT: PackPrompt = { id: "assistant", name: "Assistant", version: "1.0.0", system_template: "You are terse." };
const PACK: PackContent = {
  id: "test",
  name: "Test",
  version: "1.0.0",
  template_engine: { version: "v1", syntax: "{{variable}}" },
  prompts: { assistant: PROMPT },
};

let server: ProviderServer;
beforeAll(async () => {
  server = await startAnthropicServer({ apiKey: "sk-ant-test" });
});
afterAll(() => server.close());

describe("ConversationEngine with the claude provider", () => {
  it("stores no answer for a turn whose stream was cut, and a priced answer for a whole one", async () => {
    const config = parseRuntimeConfig({
      OMNIA_AGENT_NAME: "assistant",
      OMNIA_PROVIDER_TYPE: "claude",
      OMNIA_PROVIDER_MODEL: "claude-sonnet-4-5",
      OMNIA_PROVIDER_BASE_URL: server.baseURL,
      OMNIA_PROVIDER_INPUT_COST_PER_1K: "0.003",
      OMNIA_PROVIDER_OUTPUT_COST_PER_1K: "0.015",
      ANTHROPIC_API_KEY: "sk-ant-test",
    });
    const store = new MemorySessionStore({ ttlMs: 60_000 });
    const engine = new ConversationEngine({
      store,
      model: await createLanguageModel(config),
      prompt: PROMPT,
      tools: new ToolManager({ prompt: PROMPT, pack: PACK, handlers: [], adapters: {} }),
      agent: { name: "assistant", namespace: "default" },
      pricing: config.provider.pricing,
      clientToolTimeoutMs: 5_000,
      logger: pino({ level: "silent" }),
    });
    const run = async (content: string) => {
      const events: TurnEvent[] = [];
      for await (const event of engine.startTurn({ sessionId: "s1", content })) events.push(event);
      return events;
    };

    const cut = await run("cut");
    expect(cut.at(-1)).toMatchObject({ type: "error", code: "PROVIDER_ERROR", message: expect.stringMatching(/claude provider's stream/) });
    const whole = await run("text");
    const cost = (USAGE.inputTokens / 1000) * 0.003 + (USAGE.outputTokens / 1000) * 0.015;
    expect(whole.at(-1)).toEqual({ type: "done", finalContent: ANSWER, usage: { ...USAGE, costUsd: cost } });
    const { conversation } = await store.loadConversation({ id: "s1", agentName: "assistant", namespace: "default" });
    expect(conversation.messages.map((m) => [m.role, m.content])).toEqual([
      ["user", "text"],
      ["assistant", ANSWER],
    ]);
    await store.close();
  });
});
