// What the protocol conformance suite needs from a placement (Node sidecar now, edge later):
// where to connect, and a way to break the runtime and to shut the facade down.
import type { SessionStore, StoredMessage } from "../../shared/session/session-store.js";

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

/** The /ws URL of a facade at `base` (http://host:port/), for the suite's agent unless the query names another. */
export function facadeWsUrl(base: string, query: Record<string, string> = {}): string {
  const url = new URL("/ws", base.replace(/^http/, "ws"));
  for (const [k, v] of Object.entries({ agent: "assistant", ...query })) url.searchParams.set(k, v);
  return url.toString();
}

/** A session's stored history, read from the store without creating the session. */
export async function storedHistory(store: SessionStore, sessionId: string): Promise<StoredMessage[]> {
  const session = await store.getSession(sessionId);
  if (!session) return [];
  const { conversation } = await store.loadConversation({ id: sessionId, agentName: session.agentName, namespace: session.namespace });
  return conversation.messages;
}
