// Which browser origins may open a socket (a 403 otherwise). Clients that send no Origin
// (servers, CLIs) and same-host pages are allowed; others must be listed in OMNIA_ALLOWED_ORIGINS.
export type AllowedOrigins = "*" | string[];

export function originAllowed(origin: string | undefined, host: string | undefined, allowed: AllowedOrigins): boolean {
  if (origin === undefined || allowed === "*") return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && parsed.host === host) return true;
  const normalized = parsed.origin;
  return allowed.some((entry) => entry === normalized || entry === origin);
}

/** OMNIA_ALLOWED_ORIGINS as both placements read it: empty for none, `*` for any, else a comma list. */
export function parseAllowedOrigins(raw: string | undefined): AllowedOrigins {
  const origins = raw?.trim();
  if (!origins) return [];
  return origins === "*" ? "*" : origins.split(",").map((o) => o.trim()).filter(Boolean);
}
