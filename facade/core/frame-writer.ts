// Builds server frames (type, timestamp, session_id first, as the reference orders them) and
// sends them on the socket unless the client is gone.
import type { ErrorCode } from "../../shared/protocol/error-codes.js";
import { PROTOCOL_VERSION } from "../../shared/protocol/server-frames.js";
import { timestamp } from "../../shared/protocol/turn-frames.js";
import type { ProtocolSocket } from "./protocol-socket.js";

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

  /** A frame already serialized (a turn frame, as journaled). */
  raw(json: string): void {
    this.socket?.send(json);
  }

  connected(sessionId: string, maxPayloadSize: number, resumed?: { lastSeq: number; turnRunning: boolean }): void {
    const connected: Record<string, unknown> = {
      capabilities: { binary_frames: false, max_payload_size: maxPayloadSize, protocol_version: PROTOCOL_VERSION },
    };
    if (resumed) Object.assign(connected, { resumed: true, last_seq: resumed.lastSeq, turn_running: resumed.turnRunning });
    this.send("connected", sessionId, { connected });
  }

  /** An error that ends no turn (a bad frame, a refused message): no seq, no turn_id. */
  error(sessionId: string | undefined, code: ErrorCode, message: string, details?: Record<string, unknown>): void {
    this.send("error", sessionId, { error: details ? { code, message, details } : { code, message } });
  }

  close(code: number, reason: string): void {
    this.socket?.close(code, reason);
  }
}
