// Node's side of the upgrade: admit and authorize with the portable core, then accept with `ws` directly.
// (@hono/node-ws keeps each upgrade's Hono Context alive for the socket's life, ~11 KB per idle
// connection; the protocol needs none of it.)
import type { IncomingMessage, Server } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { ClientConnection, Facade } from "../core/facade-app.js";
import type { Logger } from "../core/logger.js";
import type { ProtocolSocket } from "../core/protocol-socket.js";
import { refusalHeaders } from "../core/upgrade-auth.js";

export function acceptWebSockets(server: Server, facade: Facade, maxPayload: number, logger: Logger): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false });
  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? "/", "http://facade");
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const admission = facade.admit({ path: url.pathname, query: url.searchParams, header });
    if (!admission.ok) return refuse(socket, admission.status, admission.message);
    // A socket that fails while the credential is checked must not take the process down.
    const ignore = () => {};
    socket.on("error", ignore);
    const credentials = { authorization: header("authorization"), ticket: url.searchParams.get("ticket") ?? undefined, clientAddress: request.socket.remoteAddress ?? "unknown" };
    facade.authorize(admission, credentials).then(
      (auth) => {
        socket.off("error", ignore);
        if (!auth.ok) return refuse(socket, auth.refusal.status, auth.refusal.message, refusalHeaders(auth.refusal));
        if (socket.destroyed || !socket.writable) return auth.release();
        // ws refuses a malformed handshake without calling back: the identity's slot comes back then.
        let accepted = false;
        socket.once("close", () => accepted || auth.release());
        wss.handleUpgrade(request, socket, head, (ws) => {
          accepted = true;
          wire(ws, facade.connect(admission, batchedSocket(ws), { auth }));
          // With noServer the server announces nothing itself; keepalive listens for this.
          wss.emit("connection", ws, request);
        });
      },
      (err: unknown) => {
        socket.off("error", ignore);
        logger.error({ err: err instanceof Error ? err.message : String(err) }, "authorizing an upgrade failed");
        refuse(socket, 500, "the facade could not check the credential");
      },
    );
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

function refuse(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = `${message}\n`;
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n${extra}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
