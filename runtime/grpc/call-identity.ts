// The x-omnia-* identity the facade sends as gRPC metadata (grpc-js) or as HTTP headers (gRPC-web);
// used for logs, the session's workspace, and the turn's id.
import type { Metadata } from "@grpc/grpc-js";

export interface CallIdentity {
  agentName?: string;
  namespace?: string;
  sessionId?: string;
  requestId?: string;
  userId?: string;
  workspace?: string;
}

export function callIdentity(source: Metadata | Headers): CallIdentity {
  const read = (key: string): string | undefined => {
    const value = source instanceof Headers ? source.get(key) : source.get(key)[0];
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const identity: CallIdentity = {};
  const fields: Array<[keyof CallIdentity, string]> = [
    ["agentName", "x-omnia-agent-name"],
    ["namespace", "x-omnia-namespace"],
    ["sessionId", "x-omnia-session-id"],
    ["requestId", "x-omnia-request-id"],
    ["userId", "x-omnia-user-id"],
    ["workspace", "x-omnia-workspace"],
  ];
  for (const [field, key] of fields) {
    const value = read(key);
    if (value !== undefined) identity[field] = value;
  }
  return identity;
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
