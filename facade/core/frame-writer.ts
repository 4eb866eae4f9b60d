// Builds server frames (type, timestamp, session_id first, as the reference orders them) and
// sends them on the socket unless the client is gone.
import type { ErrorCode } from "../../shared/protocol/error-codes.js";
import { PROTOCOL_VERSION } from "../../shared/protocol/server-frames.js";
import type { ProtocolSocket } from "./protocol-socket.js";

// Frames of one millisecond share a timestamp: formatting a Date for every chunk costs more
// than the rest of building the frame.
let lastMs = 0;
let lastIso = "";
export function timestamp(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

export class FrameWriter {
  private socket: ProtocolSocket | null = null;

  attach(socket: ProtocolSocket): void {
    this.socket = socket;
  }

  detach(): void {
    this.socket = null;
  }

  get attached(): boolean {
    return this.socket !== null;
  }

  send(type: string, sessionId: string | undefined, body: Record<string, unknown>): void {
    if (!this.socket) return;
    const frame: Record<string, unknown> = { type, timestamp: timestamp() };
    if (sessionId !== undefined) frame.session_id = sessionId;
    this.socket.send(JSON.stringify(Object.assign(frame, body)));
  }

  /** The hot path: one text delta of a turn. */
  chunk(sessionId: string, content: string, seq: number, turnId: string): void {
    if (!this.socket) return;
    this.socket.send(JSON.stringify({ type: "chunk", timestamp: timestamp(), session_id: sessionId, content, seq, turn_id: turnId }));
  }

  connected(sessionId: string, maxPayloadSize: number): void {
    this.send("connected", sessionId, {
      connected: { capabilities: { binary_frames: false, max_payload_size: maxPayloadSize, protocol_version: PROTOCOL_VERSION } },
    });
  }

  /** An error that ends no turn (a bad frame, a refused message): no seq, no turn_id. */
  error(sessionId: string | undefined, code: ErrorCode, message: string): void {
    this.send("error", sessionId, { error: { code, message } });
  }

  close(code: number, reason: string): void {
    this.socket?.close(code, reason);
  }
}
