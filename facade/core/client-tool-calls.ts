// Client-side tool calls of one turn awaiting the client: acknowledged or answered within the ack
// timeout, answered within the answer timeout, else rejected so the turn goes on (PROTOCOL.md).
// A call is registered before its tool_call frame goes out, so a fast answer always finds it.
import type { ToolResultToRuntime } from "./runtime-port.js";

interface PendingCall {
  acked: boolean;
  ackTimer: ReturnType<typeof setTimeout> | undefined;
  answerTimer: ReturnType<typeof setTimeout>;
}

export class ClientToolCalls {
  private readonly pending = new Map<string, PendingCall>();

  constructor(
    private readonly ackTimeoutMs: number,
    private readonly answerTimeoutMs: number,
    private readonly deliver: (result: ToolResultToRuntime) => void,
  ) {}

  register(callId: string): void {
    const ackTimer = setTimeout(() => {
      const call = this.pending.get(callId);
      if (call && !call.acked) {
        this.reject(callId, `the client did not acknowledge the tool call within ${this.ackTimeoutMs / 1000} s`);
      }
    }, this.ackTimeoutMs);
    const answerTimer = setTimeout(() => {
      this.reject(callId, `the client did not answer the tool call within ${this.answerTimeoutMs / 1000} s`);
    }, this.answerTimeoutMs);
    this.pending.set(callId, { acked: false, ackTimer, answerTimer });
  }

  has(callId: string): boolean {
    return this.pending.has(callId);
  }

  /** False when no such call is pending. */
  ack(callId: string): boolean {
    const call = this.pending.get(callId);
    if (!call) return false;
    call.acked = true;
    clearTimeout(call.ackTimer);
    call.ackTimer = undefined;
    return true;
  }

  /** False when no such call is pending. */
  answer(callId: string, result: unknown, error: string | undefined): boolean {
    if (!this.settle(callId)) return false;
    if (error !== undefined) {
      this.deliver({ callId, resultJson: "", rejected: true, rejectionReason: error });
    } else {
      this.deliver({ callId, resultJson: JSON.stringify(result ?? null), rejected: false });
    }
    return true;
  }

  /** False when no such call is pending. */
  reject(callId: string, reason: string): boolean {
    if (!this.settle(callId)) return false;
    this.deliver({ callId, resultJson: "", rejected: true, rejectionReason: reason });
    return true;
  }

  rejectAll(reason: string): void {
    for (const callId of [...this.pending.keys()]) this.reject(callId, reason);
  }

  clear(): void {
    for (const callId of [...this.pending.keys()]) this.settle(callId);
  }

  private settle(callId: string): boolean {
    const call = this.pending.get(callId);
    if (!call) return false;
    clearTimeout(call.ackTimer);
    clearTimeout(call.answerTimer);
    this.pending.delete(callId);
    return true;
  }
}
