// Whether a WebSocket upgrade may proceed, and to which agent: the plain-HTTP refusals of
// PROTOCOL.md (400 unknown or missing agent, 403 origin, 503 draining or full). Placements call
// this before accepting the socket, so a refused client costs no WebSocket at all.
import * as v from "valibot";
import { SessionIdSchema } from "../../shared/protocol/client-frames.js";
import { agentKey, type AgentBinding } from "./agent-binding.js";
import type { ResumeRequest } from "./connection.js";
import { originAllowed, type AllowedOrigins } from "./origin-policy.js";

export interface UpgradeRequest {
  path: string;
  query: URLSearchParams;
  header(name: string): string | undefined;
}

export type Admission =
  | { ok: false; status: 400 | 403 | 404 | 503; message: string }
  | { ok: true; agent: AgentBinding; workspace: string | undefined; resume?: ResumeRequest };

export interface AdmissionState {
  draining: boolean;
  connections: number;
  maxConnections: number;
  allowedOrigins: AllowedOrigins;
  agents: ReadonlyMap<string, AgentBinding>;
}

const ALIAS = /^\/api\/agents\/([^/]+)\/([^/]+)\/ws\/?$/;

export function admitUpgrade(request: UpgradeRequest, state: AdmissionState): Admission {
  let namespace = request.query.get("namespace") ?? undefined;
  let name = request.query.get("agent") ?? undefined;
  const alias = ALIAS.exec(request.path);
  if (alias) {
    namespace = decodeURIComponent(alias[1] ?? "");
    name = decodeURIComponent(alias[2] ?? "");
  } else if (request.path !== "/ws" && request.path !== "/ws/") {
    return { ok: false, status: 404, message: "no WebSocket endpoint here; use /ws" };
  }
  if (state.draining) return { ok: false, status: 503, message: "server is shutting down" };
  if (state.connections >= state.maxConnections) return { ok: false, status: 503, message: "connection limit reached" };
  if (!originAllowed(request.header("origin"), request.header("host"), state.allowedOrigins)) {
    return { ok: false, status: 403, message: "origin not allowed" };
  }
  const workspace = request.query.get("workspace") ?? undefined;
  const resume = resumeRequest(request.query);
  if (typeof resume === "string") return { ok: false, status: 400, message: resume };
  const agent = findAgent(name, namespace, state.agents);
  if (typeof agent === "string") return { ok: false, status: 400, message: agent };
  return resume ? { ok: true, agent, workspace, resume } : { ok: true, agent, workspace };
}

/** The agent a request names (`agent`, `namespace`), or the only one; a string says what is wrong. */
export function findAgent(name: string | undefined, namespace: string | undefined, agents: ReadonlyMap<string, AgentBinding>): AgentBinding | string {
  if (name === undefined) {
    const only = agents.size === 1 ? agents.values().next().value : undefined;
    return only ?? 'query parameter "agent" is required: this facade serves several agents';
  }
  const key = agentKey(namespace ?? "default", name);
  return agents.get(key) ?? `unknown agent "${key}"`;
}

/** `?resume=<session_id>` with the optional `after_seq` (ours); a string says what is wrong. */
function resumeRequest(query: URLSearchParams): ResumeRequest | undefined | string {
  const sessionId = query.get("resume");
  const after = query.get("after_seq");
  if (sessionId === null) return after === null ? undefined : 'query parameter "after_seq" needs "resume"';
  const valid = v.safeParse(SessionIdSchema, sessionId);
  if (!valid.success) return `query parameter "resume" ${valid.issues[0]?.message ?? "is not a session id"}`;
  if (after === null) return { sessionId, afterSeq: null };
  if (!/^\d{1,15}$/.test(after)) return 'query parameter "after_seq" must be a non-negative integer';
  return { sessionId, afterSeq: Number(after) };
}
