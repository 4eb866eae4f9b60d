// The few workerd APIs the edge facade uses, typed here rather than through
// @cloudflare/workers-types, whose global Request/Response would clash with Node's in this
// one TypeScript program. Shapes as Cloudflare documents them.

/** A WebSocket held by a Durable Object with the hibernation API. */
export interface EdgeWebSocket {
  send(message: string): void;
  close(code?: number, reason?: string): void;
  /** Kept across hibernation (at most 16 KiB), read back when the object wakes for this socket. */
  serializeAttachment(value: unknown): void;
  deserializeAttachment(): unknown;
}

export interface DurableObjectState {
  readonly id: { toString(): string };
  /** Hands the socket to the runtime: events arrive on webSocketMessage/Close/Error, even after hibernation. */
  acceptWebSocket(socket: EdgeWebSocket, tags?: string[]): void;
  /** Every socket the object accepted and that is still open, hibernated ones included. */
  getWebSockets(): EdgeWebSocket[];
}

export interface DurableObjectStub {
  fetch(request: Request): Promise<Response>;
}

export interface DurableObjectNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): DurableObjectStub;
}

/** `new WebSocketPair()`: [client, server]. */
export function webSocketPair(): [client: EdgeWebSocket, server: EdgeWebSocket] {
  const Pair = (globalThis as unknown as { WebSocketPair?: new () => Record<0 | 1, EdgeWebSocket> }).WebSocketPair;
  if (!Pair) throw new Error("WebSocketPair is not available: the edge facade runs in workerd");
  const pair = new Pair();
  return [pair[0], pair[1]];
}

/** The 101 response that hands the client end of a pair back to the caller. */
export function upgradeResponse(client: EdgeWebSocket): Response {
  return new Response(null, { status: 101, webSocket: client } as ResponseInit);
}
