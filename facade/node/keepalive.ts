// WebSocket-level ping every interval; a socket that has not answered with a pong for the
// timeout is terminated (PROTOCOL.md "Limits"). Node placement only: workerd answers pings itself.
import type { WebSocket, WebSocketServer } from "ws";

export function startKeepalive(wss: WebSocketServer, intervalMs: number, timeoutMs: number): () => void {
  const lastPong = new WeakMap<WebSocket, number>();
  wss.on("connection", (ws: WebSocket) => {
    lastPong.set(ws, Date.now());
    ws.on("pong", () => lastPong.set(ws, Date.now()));
  });
  const timer = setInterval(() => {
    const now = Date.now();
    for (const ws of wss.clients) {
      if (now - (lastPong.get(ws) ?? now) > timeoutMs) {
        ws.terminate();
        continue;
      }
      ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
