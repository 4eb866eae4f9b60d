// The Durable Object that holds a session's WebSockets at the edge, with the hibernation API:
// between frames the object may be evicted while its sockets stay open, and idle sockets cost
// nothing. Each socket's session is kept in its attachment, so a woken object serves it again
// without a word to the client. A turn keeps the object awake while the runtime streams. The
// Worker's front posts here the uploads it confirmed for this session, for its sockets to hear.
import * as v from "valibot";
import type { Identity } from "../../shared/auth/index.js";
import type { ClientConnection, ConnectOptions, Facade } from "../core/facade-app.js";
import { MediaInfoSchema, type FacadeMediaSetting } from "../core/facade-media.js";
import type { ProtocolSocket } from "../core/protocol-socket.js";
import { MEDIA_COMPLETED_PATH } from "./durable-object-media-announcer.js";
import { parseEdgeConfig, type EdgeConfig } from "./edge-config.js";
import { createEdgeFacade, type EdgeParts } from "./edge-facade.js";
import { facadeMediaOf } from "./edge-media.js";
import { forwardedIdentity } from "./forwarded-identity.js";
import { edgeParts } from "./edge-parts.js";
import { upgradeRequest } from "./upgrade-request.js";
import { upgradeResponse, webSocketPair, type DurableObjectState, type EdgeWebSocket } from "./workers-runtime.js";

/** The header by which the Worker names the session a new socket starts on. */
export const INITIAL_SESSION_HEADER = "x-omnia-initial-session";

/** What a socket's attachment keeps: how it was admitted, who it belongs to, and its session now. */
interface SocketState {
  path: string;
  query: string;
  sessionId: string;
  identity?: Identity;
}

export class SessionSocket {
  private facade: Facade | undefined;
  private config: EdgeConfig | undefined;
  private parts: EdgeParts | undefined;
  private media: FacadeMediaSetting | undefined;
  private readonly connections = new Map<EdgeWebSocket, ClientConnection>();

  constructor(
    private readonly state: DurableObjectState,
    private readonly env: Record<string, unknown>,
  ) {}

  async fetch(request: Request): Promise<Response> {
    const facade = this.facadeNow();
    const url = new URL(request.url);
    if (url.pathname === MEDIA_COMPLETED_PATH && request.method === "POST") return this.mediaCompleted(request);
    const admission = facade.admit(upgradeRequest(request));
    if (!admission.ok) return new Response(`${admission.message}\n`, { status: admission.status });
    const identity = forwardedIdentity(request.headers);
    // The front checked the credential; an agent with auth never gets a socket without an identity.
    if (!identity && this.config?.auth.settings.mode === "required") return new Response("authentication required\n", { status: 401 });
    const [client, server] = webSocketPair();
    this.state.acceptWebSocket(server);
    const sessionId = request.headers.get(INITIAL_SESSION_HEADER) ?? crypto.randomUUID();
    const connection = facade.connect(admission, protocolSocket(server), { sessionId, ...this.socketAuth(identity) });
    this.connections.set(server, connection);
    this.remember(server, { path: url.pathname, query: url.search, sessionId: connection.sessionId, ...(identity ? { identity } : {}) });
    return upgradeResponse(client);
  }

  webSocketMessage(socket: EdgeWebSocket, message: string | ArrayBuffer): void {
    const connection = this.connectionOf(socket);
    if (!connection) return socket.close(1011, "this socket's state was lost; reconnect with resume");
    connection.receive(message);
    const kept = socket.deserializeAttachment() as SocketState;
    if (kept.sessionId !== connection.sessionId) this.remember(socket, { ...kept, sessionId: connection.sessionId });
  }

  webSocketClose(socket: EdgeWebSocket, code: number, reason: string): void {
    this.connectionOf(socket)?.closed();
    this.connections.delete(socket);
    // Answer the client's close frame, so it sees a clean close rather than 1006.
    try {
      socket.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }

  webSocketError(socket: EdgeWebSocket): void {
    this.connectionOf(socket)?.closed();
    this.connections.delete(socket);
  }

  /** An upload the front confirmed: the sockets of its session that asked for it hear `upload_complete`. */
  private async mediaCompleted(request: Request): Promise<Response> {
    const parsed = v.safeParse(MediaInfoSchema, await request.json().catch(() => undefined));
    if (!parsed.success) return new Response(`not a completed upload: ${parsed.issues.map((i) => i.message).join("; ")}\n`, { status: 400 });
    if (!this.media || "disabled" in this.media) return new Response(null, { status: 204 });
    // Sockets that slept since they asked listen again once served (connectionOf restores them).
    for (const socket of this.state.getWebSockets()) this.connectionOf(socket);
    this.media.deliver(parsed.output);
    return new Response(null, { status: 204 });
  }

  private facadeNow(): Facade {
    if (!this.facade) {
      this.config = parseEdgeConfig(this.env);
      this.parts = edgeParts(this.config);
      this.media = facadeMediaOf(this.parts.media);
      this.facade = createEdgeFacade(this.config, this.parts, `edge:${this.state.id.toString()}`, this.media);
    }
    return this.facade;
  }

  private socketAuth(identity: Identity | undefined): Pick<ConnectOptions, "auth"> {
    if (!identity) return {};
    const limiter = this.parts?.limiter;
    return { auth: { identity, release: () => {}, ...(limiter ? { limiter } : {}) } };
  }

  /** The socket's connection, made again from its attachment when the object woke from hibernation. */
  private connectionOf(socket: EdgeWebSocket): ClientConnection | undefined {
    const live = this.connections.get(socket);
    if (live) return live;
    const kept = socket.deserializeAttachment() as SocketState | null;
    if (!kept) return undefined;
    const facade = this.facadeNow();
    const admission = facade.admit({ path: kept.path, query: new URLSearchParams(kept.query), header: () => undefined });
    if (!admission.ok) return undefined;
    const connection = facade.connect(admission, protocolSocket(socket), { sessionId: kept.sessionId, restored: true, ...this.socketAuth(kept.identity) });
    this.connections.set(socket, connection);
    return connection;
  }

  private remember(socket: EdgeWebSocket, state: SocketState): void {
    socket.serializeAttachment(state);
  }
}

function protocolSocket(socket: EdgeWebSocket): ProtocolSocket {
  return {
    send: (text) => socket.send(text),
    close: (code, reason) => socket.close(code, reason),
  };
}
