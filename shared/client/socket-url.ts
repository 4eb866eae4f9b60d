// The URL the client opens: the configured endpoint (http(s) becomes ws(s); a relative URL is
// resolved against the page in a browser), the agent, and on a reconnect what to resume.
export interface SocketUrlOptions {
  url: string;
  agent?: string | undefined;
  namespace?: string | undefined;
  resume?: { sessionId: string; afterSeq: number } | undefined;
}

export function socketUrl(options: SocketUrlOptions): string {
  const base = typeof location === "undefined" ? undefined : location.href;
  const url = new URL(options.url, base);
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  if (options.agent !== undefined) url.searchParams.set("agent", options.agent);
  if (options.namespace !== undefined) url.searchParams.set("namespace", options.namespace);
  if (options.resume) {
    url.searchParams.set("resume", options.resume.sessionId);
    url.searchParams.set("after_seq", String(options.resume.afterSeq));
  }
  return url.toString();
}
