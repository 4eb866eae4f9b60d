// The runtime's own cost, in one run beside its baselines:
// - time to first token through the Node facade + runtime (processes, an openai Provider pointed at
//   the local Chat Completions server) against the same request sent straight to that server with
//   fetch, turns alternating between the two;
// - a tool call's round trip through the runtime's ToolManager and adapters against the same call
//   made straight to the tool server, per adapter (http, mcp over stdio, grpc, openapi), alternating.
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { type ProviderAgentStack, AGENT_API_KEY, startProviderAgentStack } from "../helpers/provider-agent-stack.js";
import { startChatCompletionsServer } from "../helpers/provider-servers/chat-completions-server.js";
import { ANSWER_PIECES, type ProviderServer } from "../helpers/provider-servers/provider-server.js";
import { ADAPTERS, type AdapterName, startToolTargets, type ToolTargets } from "../helpers/tool-servers/direct-tool-calls.js";
import { toolManagerFor, type ToolHarness } from "../helpers/tool-servers/tool-manager-for.js";
import type { Cleanup } from "./cleanup.js";
import type { BenchSection, SectionRow } from "./section.js";
import { summarize, type Summary } from "./stats.js";

export interface RuntimeCostOptions {
  /** Measured turns on each path. */
  turns: number;
  /** Measured tool calls per adapter on each path. */
  toolCalls: number;
  cleanup: Cleanup;
}

export interface Paired {
  omnia: Summary;
  direct: Summary;
}

export interface RuntimeCostResult {
  turns: number;
  toolCalls: number;
  firstToken: Paired;
  /** Through facade + runtime: from sending the message to the model request reaching the provider server (1 ms resolution). */
  toModelRequest: Summary;
  tools: Record<AdapterName, Paired>;
}

const WARMUP_TURNS = 20;
const WARMUP_TOOL_CALLS = 30;
const TURN_TIMEOUT_MS = 10_000;
const FIRST_TEXT = ANSWER_PIECES[0] ?? "";

export async function runRuntimeCost(options: RuntimeCostOptions): Promise<RuntimeCostResult> {
  const { firstToken, toModelRequest } = await measureFirstToken(options);
  const tools = await measureToolRoundTrips(options);
  return { turns: options.turns, toolCalls: options.toolCalls, firstToken, toModelRequest, tools };
}

async function measureFirstToken({ turns, cleanup }: RuntimeCostOptions): Promise<{ firstToken: Paired; toModelRequest: Summary }> {
  const provider = await startChatCompletionsServer({ flavour: "openai", apiKey: AGENT_API_KEY });
  const stopProvider = cleanup.stopper(() => provider.close());
  let agent: ProviderAgentStack | undefined;
  const stopAgent = cleanup.stopper(async () => agent?.stop());
  try {
    agent = await startProviderAgentStack(provider.baseURL, { tools: ["echo"] });
    const url = agent.wsUrl;
    const toRequest: number[] = [];
    // Turns run one at a time, so the provider server's last request is this turn's.
    const viaOmnia = async () => {
      const sentAt = Date.now();
      const ms = await firstChunkThroughFacade(url);
      toRequest.push((provider.requests.at(-1)?.at ?? Number.NaN) - sentAt);
      return ms;
    };
    // Every facade turn is a new session, so each model request is the same: replay the first one.
    await viaOmnia();
    const request = provider.requests.at(-1)?.body;
    if (request === undefined) throw new Error("the runtime sent no request to the provider server");
    const direct = () => firstChunkDirect(provider, request);
    for (let i = 0; i < WARMUP_TURNS; i++) {
      await viaOmnia();
      await direct();
    }
    const omnia: number[] = [];
    const straight: number[] = [];
    toRequest.length = 0;
    for (let i = 0; i < turns; i++) {
      omnia.push(await viaOmnia());
      straight.push(await direct());
    }
    return { firstToken: { omnia: summarize(omnia), direct: summarize(straight) }, toModelRequest: summarize(toRequest) };
  } finally {
    await stopAgent();
    await stopProvider();
  }
}

/** A new session; ms from sending the message to the first chunk frame (the turn is read to its done). */
async function firstChunkThroughFacade(url: string): Promise<number> {
  const socket = new WebSocket(url);
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no done frame within ${TURN_TIMEOUT_MS} ms`)), TURN_TIMEOUT_MS);
      let sentAt = 0;
      let firstChunk: number | undefined;
      socket.on("message", (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; session_id?: string; error?: unknown };
        if (frame.type === "connected") {
          sentAt = performance.now();
          socket.send(JSON.stringify({ type: "message", session_id: frame.session_id, content: "hi" }));
        } else if (frame.type === "chunk") {
          firstChunk ??= performance.now() - sentAt;
        } else if (frame.type === "done" && firstChunk !== undefined) {
          clearTimeout(timer);
          resolve(firstChunk);
        } else if (frame.type === "error" || frame.type === "done") {
          clearTimeout(timer);
          reject(new Error(`turn ended without a chunk: ${data.toString().slice(0, 300)}`));
        }
      });
      socket.once("error", reject);
    });
  } finally {
    socket.close();
  }
}

/** The runtime's request, sent with fetch; ms to the first part of the body carrying answer text. */
async function firstChunkDirect(provider: ProviderServer, body: unknown): Promise<number> {
  const sentAt = performance.now();
  const res = await fetch(`${provider.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${AGENT_API_KEY}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TURN_TIMEOUT_MS),
  });
  if (!res.ok || !res.body) throw new Error(`the provider server answered ${res.status}`);
  const decoder = new TextDecoder();
  let text = "";
  let firstChunk: number | undefined;
  for await (const part of res.body) {
    text += decoder.decode(part, { stream: true });
    if (firstChunk === undefined && text.includes(FIRST_TEXT)) firstChunk = performance.now() - sentAt;
  }
  if (firstChunk === undefined) throw new Error(`the provider server's answer had no text: ${text.slice(0, 300)}`);
  return firstChunk;
}

async function measureToolRoundTrips({ toolCalls, cleanup }: RuntimeCostOptions): Promise<Record<AdapterName, Paired>> {
  let servers: ToolTargets | undefined;
  let harness: ToolHarness | undefined;
  const stop = cleanup.stopper(async () => {
    await harness?.manager.close();
    await servers?.close();
  });
  try {
    servers = await startToolTargets();
    const { targets } = servers;
    harness = await toolManagerFor(
      targets.map((t) => t.tool),
      targets.map((t) => t.handler),
    );
    const tools = harness;
    const results = {} as Record<AdapterName, Paired>;
    for (const target of targets) {
      const viaOmnia = async () => {
        const outcome = await tools.call(target.tool, target.args);
        if (!outcome.ok) throw new Error(`${target.adapter} tool ${target.tool}: ${outcome.error}`);
      };
      for (let i = 0; i < WARMUP_TOOL_CALLS; i++) {
        await viaOmnia();
        await target.direct();
      }
      const omnia: number[] = [];
      const direct: number[] = [];
      for (let i = 0; i < toolCalls; i++) {
        omnia.push(await timed(viaOmnia));
        direct.push(await timed(target.direct));
      }
      results[target.adapter] = { omnia: summarize(omnia), direct: summarize(direct) };
    }
    return results;
  } finally {
    await stop();
  }
}

async function timed(call: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await call();
  return performance.now() - start;
}

export function runtimeCostSection(r: RuntimeCostResult | undefined, turns: number, toolCalls: number): BenchSection {
  const paired = (label: string, key: string, p: Paired | undefined) => {
    const rows: SectionRow[] = [];
    const figures: Record<string, number | null> = {};
    for (const q of ["p50", "p99"] as const) {
      const value = p?.omnia[q];
      const baseline = p?.direct[q];
      rows.push({ label: `${label} ${q} (ms)`, value, baseline, digits: 2 });
      figures[`${key}_ms_${q}`] = value ?? null;
      figures[`${key}_direct_ms_${q}`] = baseline ?? null;
      figures[`${key}_added_ms_${q}`] = value !== undefined && baseline !== undefined ? value - baseline : null;
    }
    for (const q of ["p50", "p99"] as const) {
      const added = figures[`${key}_added_ms_${q}`];
      rows.push({ label: `${label} added ${q} (ms)`, value: added ?? undefined, digits: 2 });
    }
    return { rows, figures };
  };
  const toRequest: SectionRow[] = (["p50", "p99"] as const).map((q) => ({ label: `runtime: message sent -> model request at the provider ${q} (ms)`, value: r?.toModelRequest[q], digits: 0 }));
  const parts = [paired("runtime: time to first token", "first_token", r?.firstToken), ...ADAPTERS.map((a) => paired(`runtime: tool round trip, ${a}`, `tool_${a.replace("-", "_")}`, r?.tools[a]))];
  return {
    name: "runtime",
    about:
      `runtime: time to first token over ${turns} turns through the Node facade + runtime (openai Provider, local Chat Completions server), ` +
      `baseline = the same request sent to that server with fetch; tool round trip over ${toolCalls} calls per adapter through the runtime's ToolManager, ` +
      "baseline = the same call straight to the tool server; added = value - baseline at each percentile",
    rows: [...(parts[0]?.rows ?? []), ...toRequest, ...parts.slice(1).flatMap((p) => p.rows)],
    figures: {
      turns,
      tool_calls: toolCalls,
      to_model_request_ms_p50: r?.toModelRequest.p50 ?? null,
      to_model_request_ms_p99: r?.toModelRequest.p99 ?? null,
      ...Object.assign({}, ...parts.map((p) => p.figures)),
    },
    notes: [],
  };
}
