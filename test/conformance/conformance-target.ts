// What the protocol conformance suite needs from a placement (Node sidecar now, edge later):
// where to connect, and a way to break the runtime and to shut the facade down.
import type { StoredMessage } from "../../shared/session/session-store.js";

export interface ConformanceTarget {
  /** WebSocket URL of /ws with these query parameters (agent defaults to the suite's agent). */
  wsUrl(query?: Record<string, string>): string;
  httpUrl(path: string): string;
  /** An Origin the facade accepts besides its own host, and one it refuses. */
  allowedOrigin: string;
  /** The limits the target was started with. */
  limits: {
    maxFrameBytes: number;
    clientToolAckTimeoutMs: number;
    clientToolTimeoutMs: number;
    pongTimeoutMs: number;
  };
  /** SIGKILL the suite agent's runtime process. */
  killRuntime(): Promise<void>;
  /** Start it again (same port, same session store). */
  startRuntime(): Promise<void>;
  /** The stored conversation history of a session, read from the session store. */
  history(sessionId: string): Promise<StoredMessage[]>;
}

/** A separate facade the drain test may shut down. */
export interface DrainTarget {
  wsUrl(query?: Record<string, string>): string;
  httpUrl(path: string): string;
  /** Send SIGTERM; resolves with the exit code. */
  terminate(): Promise<number | string>;
}
