import type { RuntimeClient } from "./runtime-port.js";

/** An agent this facade serves and the runtime that runs it. */
export interface AgentBinding {
  name: string;
  namespace: string;
  runtime: RuntimeClient;
}

export function agentKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
