// A fetch Request as the core's UpgradeRequest (path, query, headers).
import type { UpgradeRequest } from "../core/upgrade-admission.js";

export function upgradeRequest(request: Request): UpgradeRequest {
  const url = new URL(request.url);
  return { path: url.pathname, query: url.searchParams, header: (name) => request.headers.get(name) ?? undefined };
}
