// Errors found while loading and resolving manifests. Each names the file, the object and the field,
// so a user can go straight to the line to fix; all are collected before throwing so one run lists
// every problem.

export interface ManifestError {
  file: string;
  /** `Kind namespace/name`, e.g. "AgentRuntime default/assistant"; "document 2" before a kind is known. */
  object: string;
  /** Dotted path with [i] for list items, e.g. "spec.facades[0].port"; empty for the whole object. */
  field: string;
  message: string;
}

export function formatManifestError(error: ManifestError): string {
  return [error.file, error.object, error.field, error.message].filter((part) => part !== "").join(": ");
}

export class ManifestLoadError extends Error {
  readonly errors: ManifestError[];
  constructor(errors: ManifestError[]) {
    const count = errors.length === 1 ? "1 error" : `${errors.length} errors`;
    super(`invalid manifests (${count}):\n${errors.map((e) => `  ${formatManifestError(e)}`).join("\n")}`);
    this.name = "ManifestLoadError";
    this.errors = errors;
  }
}

/** "AgentRuntime default/assistant": how objects are named in errors and in the ManifestSet. */
export function objectLabel(kind: string, namespace: string, name: string): string {
  return `${kind} ${namespace}/${name}`;
}
