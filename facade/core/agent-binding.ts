import type { RuntimeClient } from "./runtime-port.js";
import type { AgentAuth } from "./upgrade-auth.js";

/** An agent this facade serves and the runtime that runs it. */
export interface AgentBinding {
  name: string;
  namespace: string;
  runtime: RuntimeClient;
  /** Who may connect; absent: the agent is open. */
  auth?: AgentAuth;
}

export function agentKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
