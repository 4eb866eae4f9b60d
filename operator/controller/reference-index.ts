// Which AgentRuntimes use which objects, so a change to a PromptPack, its ConfigMap, a Provider or a
// ToolRegistry requeues exactly their users. Keys are `Kind/namespace/name`; the reconciler records
// what each agent referenced (found or not) on every pass.

export const refKey = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

export class ReferenceIndex {
  private readonly byAgent = new Map<string, Set<string>>();
  private readonly byRef = new Map<string, Set<string>>();

  set(agentKey: string, refs: Iterable<string>): void {
    this.remove(agentKey);
    const set = new Set(refs);
    this.byAgent.set(agentKey, set);
    for (const ref of set) {
      let users = this.byRef.get(ref);
      if (!users) this.byRef.set(ref, (users = new Set()));
      users.add(agentKey);
    }
  }

  remove(agentKey: string): void {
    for (const ref of this.byAgent.get(agentKey) ?? []) {
      const users = this.byRef.get(ref);
      users?.delete(agentKey);
      if (users?.size === 0) this.byRef.delete(ref);
    }
    this.byAgent.delete(agentKey);
  }

  usersOf(ref: string): string[] {
    return [...(this.byRef.get(ref) ?? [])];
  }

  /** The referenced objects of one kind, as `namespace/name`. */
  referenced(kind: string): string[] {
    const prefix = `${kind}/`;
    return [...this.byRef.keys()].filter((ref) => ref.startsWith(prefix)).map((ref) => ref.slice(prefix.length));
  }
}
