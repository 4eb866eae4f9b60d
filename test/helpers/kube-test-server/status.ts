// Kubernetes `Status` errors, in the shape and wording the API server uses (k8s.io/apimachinery
// pkg/api/errors), so client code that branches on `code`/`reason` behaves as it would in a cluster.
import type { ResourceType } from "./resources.js";

export interface StatusCause {
  type?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface KubeStatus {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message);
  }
  get code(): number {
    return this.status.code;
  }
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): StatusError {
  const status: KubeStatus = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
  if (details) status.details = details;
  return new StatusError(status);
}

/** `configmaps` for the core group, `deployments.apps` otherwise: how messages name a resource. */
export function qualifiedResource(type: ResourceType): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

// Details name the resource (plural) in `kind`, as the API server does for these reasons.
function resourceDetails(type: ResourceType, name: string): StatusDetails {
  return type.group ? { name, group: type.group, kind: type.plural } : { name, kind: type.plural };
}

export const notFound = (type: ResourceType, name: string) =>
  failure(404, "NotFound", `${qualifiedResource(type)} "${name}" not found`, resourceDetails(type, name));

export const alreadyExists = (type: ResourceType, name: string) =>
  failure(409, "AlreadyExists", `${qualifiedResource(type)} "${name}" already exists`, resourceDetails(type, name));

export const conflict = (type: ResourceType, name: string, why: string) =>
  failure(409, "Conflict", `Operation cannot be fulfilled on ${qualifiedResource(type)} "${name}": ${why}`, resourceDetails(type, name));

export const staleResourceVersion = (type: ResourceType, name: string) =>
  conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");

export function applyConflict(type: ResourceType, name: string, conflicts: { manager: string; apiVersion: string; field: string }[]): StatusError {
  const n = conflicts.length;
  const lines =
    n === 1
      ? `conflict with "${conflicts[0]!.manager}" using ${conflicts[0]!.apiVersion}: ${conflicts[0]!.field}`
      : `conflicts with ${[...new Set(conflicts.map((c) => `"${c.manager}" using ${c.apiVersion}`))].join(", ")}:\n${conflicts.map((c) => `- ${c.field}`).join("\n")}`;
  const details = resourceDetails(type, name);
  details.causes = conflicts.map((c) => ({ type: "FieldManagerConflict", message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: c.field }));
  return failure(409, "Conflict", `Apply failed with ${n} conflict${n === 1 ? "" : "s"}: ${lines}`, details);
}

/** 410 for a watch (or list) from a resourceVersion older than the kept history. */
export const expired = (requested: number, oldest: number) => failure(410, "Expired", `too old resource version: ${requested} (${oldest})`);

export const badRequest = (message: string) => failure(400, "BadRequest", message);

export function invalid(type: ResourceType, name: string, causes: { field: string; message: string; type?: string }[]): StatusError {
  const summary = causes.map((c) => `${c.field}: ${c.message}`).join(", ");
  const details: StatusDetails = { name, kind: type.kind, causes: causes.map((c) => ({ type: c.type ?? "FieldValueInvalid", message: c.message, field: c.field })) };
  if (type.group) details.group = type.group;
  return failure(422, "Invalid", `${type.kind} "${name}" is invalid: ${summary}`, details);
}

export const methodNotAllowed = (method: string) => failure(405, "MethodNotAllowed", `the server does not allow this method on the requested resource (${method})`);

export const unsupportedMediaType = (contentType: string, accepted: string[]) =>
  failure(415, "UnsupportedMediaType", `the body of the request was in an unknown format (${contentType}) - accepted media types include: ${accepted.join(", ")}`);

export const notFoundPath = (path: string) => failure(404, "NotFound", `the server could not find the requested resource (${path})`);

export const internalError = (message: string) =>
  failure(500, "InternalError", `Internal error occurred: ${message}`, { causes: [{ message }] });

/** A fault injected by a test: the API server answering 5xx (etcd down, a webhook failing...). */
export const injectedFailure = (code: number, message: string) =>
  code === 500 ? internalError(message) : failure(code, code === 503 ? "ServiceUnavailable" : code === 429 ? "TooManyRequests" : "InternalError", message);

export function successStatus(type: ResourceType, name: string, uid: string) {
  const details: StatusDetails = { name, kind: type.plural, uid };
  if (type.group) details.group = type.group;
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details };
}
