// Node's side of the upgrade: admit with the portable core, then accept with `ws` directly.
// (@hono/node-ws keeps each upgrade's Hono Context alive for the socket's life, ~11 KB per idle
// connection; the protocol needs none of it.)
import type { IncomingMessage, Server } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { ClientConnection, Facade } from "../core/facade-app.js";
import type { ProtocolSocket } from "../core/protocol-socket.js";

export function acceptWebSockets(server: Server, facade: Facade, maxPayload: number): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false });
  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? "/", "http://facade");
    const admission = facade.admit({
      path: url.pathname,
      query: url.searchParams,
      header: (name) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      },
    });
    if (!admission.ok) return refuse(socket, admission.status, admission.message);
    wss.handleUpgrade(request, socket, head, (ws) => {
      wire(ws, facade.connect(admission, batchedSocket(ws)));
      // With noServer the server announces nothing itself; keepalive listens for this.
      wss.emit("connection", ws, request);
    });
  });
  return wss;
}

// Frames of a turn arrive from gRPC a few at a time; one write per frame made the writev
// syscall a third of the facade's CPU under load. Holding the TCP socket corked until the
// current batch of I/O callbacks has run lets them leave in one write.
function batchedSocket(ws: WebSocket): ProtocolSocket {
  const tcp = (ws as unknown as { _socket?: Socket })._socket;
  let corked = false;
  const flush = () => {
    corked = false;
    tcp?.uncork();
  };
  return {
    send(text) {
      if (tcp && !corked) {
        corked = true;
        tcp.cork();
        setImmediate(flush);
      }
      ws.send(text);
    },
    close(code, reason) {
      // The close frame must not overtake, nor strand, frames still held in the cork.
      if (corked) flush();
      ws.close(code, reason);
    },
  };
}

// Kept apart from the upgrade handler so the socket's listeners close over nothing of the request.
function wire(ws: WebSocket, connection: ClientConnection): void {
  ws.on("message", (data: RawData, isBinary: boolean) => {
    connection.receive(isBinary ? toBytes(data) : data.toString());
  });
  ws.on("close", () => connection.closed());
  ws.on("error", () => connection.closed());
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
