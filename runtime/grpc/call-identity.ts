// The x-omnia-* identity the facade sends as gRPC metadata (grpc-js) or as HTTP headers (gRPC-web);
// used for logs, the session's workspace, the turn's id, and who the user is. The user (subject,
// role, groups, auth method) is believed only from the runtime's own facade: a call over loopback
// in the pod, or a gRPC-web call that presented the bridge token; from anyone else it is dropped.
import type { Metadata } from "@grpc/grpc-js";
import { identityFromHeaders, isLoopbackHost, type Identity } from "../../shared/auth/index.js";

export interface CallIdentity {
  agentName?: string;
  namespace?: string;
  sessionId?: string;
  requestId?: string;
  workspace?: string;
  /** The user's subject, from a trusted caller only. */
  userId?: string;
  /** Everything the facade proved about the user, from a trusted caller only. */
  user?: Identity;
}

/** `trusted`: the call comes from this runtime's facade (see callerIsLocal, and the bridge token). */
export function callIdentity(source: Metadata | Headers, trusted: boolean): CallIdentity {
  const read = (key: string): string | undefined => {
    const value = source instanceof Headers ? source.get(key) : source.get(key)[0];
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const identity: CallIdentity = {};
  const fields: Array<[Exclude<keyof CallIdentity, "user" | "userId">, string]> = [
    ["agentName", "x-omnia-agent-name"],
    ["namespace", "x-omnia-namespace"],
    ["sessionId", "x-omnia-session-id"],
    ["requestId", "x-omnia-request-id"],
    ["workspace", "x-omnia-workspace"],
  ];
  for (const [field, key] of fields) {
    const value = read(key);
    if (value !== undefined) identity[field] = value;
  }
  const user = trusted ? identityFromHeaders(read) : null;
  if (user) {
    identity.user = user;
    identity.userId = user.subject;
  }
  return identity;
}

/** Whether a grpc-js peer (`127.0.0.1:5000`, `::1:5000`, `::ffff:127.0.0.1:5000`, `ipv4:…`) is on this host. */
export function callerIsLocal(peer: string): boolean {
  const host = peer
    .replace(/^ipv[46]:/, "")
    .replace(/:\d+$/, "")
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/^::ffff:/i, "");
  return isLoopbackHost(host);
}

/** Log fields for a call (snake_case, no user content); the agent name is already on every line. */
export function identityLogFields(identity: CallIdentity): Record<string, string> {
  const fields: Record<string, string> = {};
  if (identity.namespace) fields["namespace"] = identity.namespace;
  if (identity.requestId) fields["request_id"] = identity.requestId;
  if (identity.userId) fields["user_id"] = identity.userId;
  if (identity.workspace) fields["workspace"] = identity.workspace;
  return fields;
}
