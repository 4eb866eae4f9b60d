// The turn's side of client-side tools: a call becomes a `tool_call` event, and the gRPC layer
// hands the client's answer back by call id. The call is registered before the event goes out, so
// an answer that arrives at once finds it.
import type { ClientToolAnswer, ClientToolChannel, ClientToolRequest } from "../tools/tool-adapter.js";
import type { TurnEvent } from "./turn-events.js";

interface PendingCall {
  settle(answer: ClientToolAnswer): void;
}

export class ClientToolCalls implements ClientToolChannel {
  private readonly pending = new Map<string, PendingCall>();
  /** Set once no client can answer any more (its facade died): calls are rejected at once. */
  private detached: string | undefined;

  constructor(
    private readonly emit: (event: TurnEvent) => void,
    /** The runtime's own bound; the facade enforces the protocol's shorter ones. */
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal,
  ) {}

  call(request: ClientToolRequest): Promise<ClientToolAnswer> {
    return new Promise((resolve, reject) => {
      if (this.signal.aborted) return reject(this.signal.reason);
      if (this.detached !== undefined) return resolve({ rejected: true, reason: this.detached });
      const cleanup = () => {
        clearTimeout(timer);
        this.signal.removeEventListener("abort", onAbort);
        this.pending.delete(request.id);
      };
      const onAbort = () => {
        cleanup();
        reject(this.signal.reason);
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve({ rejected: true, reason: `the client did not answer within ${Math.round(this.timeoutMs / 1000)} s` });
      }, this.timeoutMs);
      this.signal.addEventListener("abort", onAbort, { once: true });
      this.pending.set(request.id, {
        settle: (answer) => {
          cleanup();
          resolve(answer);
        },
      });
      this.emit({ type: "tool_call", execution: "client", ...request });
    });
  }

  /** No client can answer any more: pending and later calls are rejected with `reason`. */
  detach(reason: string): void {
    this.detached = reason;
    for (const call of [...this.pending.values()]) call.settle({ rejected: true, reason });
  }

  deliver(callId: string, answer: ClientToolAnswer): boolean {
    const call = this.pending.get(callId);
    if (!call) return false;
    call.settle(answer);
    return true;
  }
}
