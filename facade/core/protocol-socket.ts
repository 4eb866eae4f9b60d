// The facade core's view of one client socket. Each placement fills it from its own WebSocket
// (the ws library in Node, a Durable Object's socket at the edge).
export interface ProtocolSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
}

export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
