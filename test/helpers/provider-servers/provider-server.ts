// What every fake provider server shares: an HTTP server on a free loopback port that records each
// request, picks a scenario from the last user message, counts attempts per scenario (so "fail,
// then succeed on retry" is playable) and writes SSE. The wire formats live in the per-provider files.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a test can ask a server to play, by making it the text of the last user message. */
export const SCENARIOS = [
  "text", // a streamed answer with usage
  "tool", // a streamed tool call (get_weather {"city":"Paris"})
  "rate-limit", // 429 with Retry-After: 1, then the answer
  "rate-limit-always", // 429 with Retry-After: 1 every time
  "server-error", // 500 without Retry-After, then the answer
  "cut", // part of an answer, then the connection is destroyed
  "truncated", // part of an answer, then the response ends cleanly without the provider's final events
  "stall", // part of an answer, then nothing (the connection stays open)
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The text every "text" scenario streams, in these pieces. */
export const ANSWER_PIECES = ["The answer ", "is ", "42."];
export const ANSWER = ANSWER_PIECES.join("");
export const TOOL_CALL = { id: "call_1", name: "get_weather", argumentsJson: '{"city":"Paris"}' };
export const USAGE = { inputTokens: 11, outputTokens: 7 };

export interface RecordedRequest {
  method: string;
  /** Path and query, as the client sent them. */
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
  at: number;
  /** Resolves when the client's connection closes (e.g. it cancelled the request). */
  closed: Promise<void>;
}

export interface ProviderServer {
  /** The base URL a client SDK is configured with (e.g. http://127.0.0.1:PORT/v1). */
  baseURL: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface Exchange {
  request: RecordedRequest;
  response: ServerResponse;
  /** 1 for the first request carrying this scenario, 2 for the next, … */
  attempt: number;
}

/** A wire format: returns the scenario of a valid request, or answers the request itself and returns undefined. */
export type Handler = (exchange: Omit<Exchange, "attempt">) => Scenario | undefined;
export type Player = (exchange: Exchange, scenario: Scenario) => void;

export async function startProviderServer(basePath: string, handle: Handler, play: Player): Promise<ProviderServer> {
  const requests: RecordedRequest[] = [];
  const attempts = new Map<Scenario, number>();
  const server = createServer((req, res) => {
    const closed = new Promise<void>((resolve) => res.on("close", () => resolve()));
    readBody(req).then(
      (text) => {
        const request: RecordedRequest = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: parseJson(text), at: Date.now(), closed };
        requests.push(request);
        const scenario = handle({ request, response: res });
        if (scenario === undefined) return;
        const attempt = (attempts.get(scenario) ?? 0) + 1;
        attempts.set(scenario, attempt);
        play({ request, response: res, attempt }, scenario);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}${basePath}`,
    requests,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets and stalled streams would otherwise hold close() open.
      server.closeAllConnections();
      await closed;
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The scenario named by a last user message's text; anything else plays "text". */
export function scenarioOf(text: string | undefined): Scenario {
  const named = SCENARIOS.find((s) => s === text?.trim());
  return named ?? "text";
}

/**
 * The text of the last message when a user sent it, in the `messages` shape Anthropic and OpenAI
 * share: content is a string or a list of blocks, one of them {type: "text", text}.
 */
export function lastUserText(body: unknown): string | undefined {
  if (!isObject(body) || !Array.isArray(body.messages)) return undefined;
  const last: unknown = body.messages.at(-1);
  if (!isObject(last) || last.role !== "user") return undefined;
  if (typeof last.content === "string") return last.content;
  const block: unknown = Array.isArray(last.content) ? last.content.find((b) => isObject(b) && b.type === "text") : undefined;
  return isObject(block) && typeof block.text === "string" ? block.text : undefined;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export function startSse(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
}

/** One SSE event: `event:` only when the format names its events (Anthropic does). */
export function writeSse(res: ServerResponse, data: unknown, event?: string): void {
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  res.write(`${event === undefined ? "" : `event: ${event}\n`}data: ${payload}\n\n`);
}

/**
 * Plays the failures every wire format shares; `fail` writes the provider's error JSON. Returns true
 * when the exchange was answered here, false when the caller should stream its scenario.
 */
export function playFailure(exchange: Exchange, scenario: Scenario, fail: (status: number, headers?: Record<string, string>) => void): boolean {
  const { attempt } = exchange;
  if (scenario === "rate-limit-always" || (scenario === "rate-limit" && attempt === 1)) {
    fail(429, { "retry-after": "1" });
    return true;
  }
  if (scenario === "server-error" && attempt === 1) {
    fail(500);
    return true;
  }
  return false;
}

/** Streams `pieces` through `write`, then ends the way the scenario says (cut, stall) or via `finish`. */
export function streamAnswer(exchange: Exchange, scenario: Scenario, write: (piece: string) => void, finish: () => void): void {
  const { response } = exchange;
  const partial = scenario === "cut" || scenario === "stall" || scenario === "truncated";
  const pieces = partial ? ANSWER_PIECES.slice(0, 2) : ANSWER_PIECES;
  for (const piece of pieces) write(piece);
  if (scenario === "cut") {
    // Let the partial answer reach the client before the connection drops.
    setTimeout(() => response.destroy(), 50);
    return;
  }
  if (scenario === "stall") return;
  if (scenario !== "truncated") finish();
  response.end();
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
