// The baseline target: a bare `ws` server that speaks just enough of protocol v1 to look like
// Omnia to the load client (same frame shapes, fresh timestamps, JSON-encoded per frame), so the
// difference between the two is what the facade and runtime add. Run as its own process:
//   BENCH_PORT=<port> node --import tsx test/bench/bare-ws-server.ts
import { randomUUID } from "node:crypto";
import { WebSocketServer, type WebSocket } from "ws";
import { RESPONSE_TEXT, RESPONSE_WORDS } from "./workload.js";

const CHUNKS = RESPONSE_WORDS.length;

const port = Number(process.env.BENCH_PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error("bare-ws-server: BENCH_PORT must be a port number");
  process.exit(1);
}

// No compression, like the facade's default, so both send the same bytes per frame.
const wss = new WebSocketServer({ host: "127.0.0.1", port, perMessageDeflate: false, backlog: 4096 });

function frame(type: string, sessionId: string, body: Record<string, unknown>): string {
  return JSON.stringify({ type, timestamp: new Date().toISOString(), session_id: sessionId, ...body });
}

wss.on("connection", (socket: WebSocket) => {
  const sessionId = randomUUID();
  let seq = 0;
  socket.send(
    frame("connected", sessionId, {
      connected: { capabilities: { binary_frames: false, max_payload_size: 16 * 1024 * 1024, protocol_version: 1 } },
    }),
  );
  socket.on("message", (data) => {
    let type: unknown;
    try {
      type = (JSON.parse(data.toString()) as { type?: unknown }).type;
    } catch {
      type = undefined;
    }
    if (type !== "message") return;
    const turnId = randomUUID();
    for (let i = 0; i < CHUNKS; i++) {
      // The mock provider streams "word " deltas; the last one has no trailing space.
      const content = i < CHUNKS - 1 ? `${RESPONSE_WORDS[i]} ` : (RESPONSE_WORDS[i] ?? "");
      socket.send(frame("chunk", sessionId, { content, seq: ++seq, turn_id: turnId }));
    }
    socket.send(
      frame("done", sessionId, {
        content: RESPONSE_TEXT,
        usage: { input_tokens: 12, output_tokens: CHUNKS, cost_usd: 0 },
        seq: ++seq,
        turn_id: turnId,
      }),
    );
  });
  socket.on("error", () => socket.terminate());
});

wss.on("listening", () => console.log(`bare-ws-server listening on 127.0.0.1:${port}`));
process.on("SIGTERM", () => {
  for (const client of wss.clients) client.terminate();
  wss.close(() => process.exit(0));
});
