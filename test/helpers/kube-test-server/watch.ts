// Watch streams: `{"type":...,"object":...}` JSON lines on a chunked 200 response whose headers go
// out at once. From resourceVersion unset or "0" (or with sendInitialEvents=true) the current
// objects come first as ADDED; from a given resourceVersion the kept history is replayed, or an
// ERROR event carrying a 410 Expired Status ends the stream when that history is gone. With a
// label selector, objects entering or leaving the selection appear as ADDED / DELETED.
import type { ServerResponse } from "node:http";
import { present } from "./api.js";
import type { KubeObject } from "./objects.js";
import { apiVersionOf, type ResourceType } from "./resources.js";
import { parseFieldSelector, parseLabelSelector } from "./selectors.js";
import { badRequest, expired } from "./status.js";
import type { Change, ObjectStore } from "./store.js";

export interface WatchOptions {
  bookmarkIntervalMs: number;
  defaultTimeoutSeconds: number;
}

export interface OpenWatch {
  type: ResourceType;
  namespace: string | undefined;
  /** Ends the stream cleanly (`end`) or cuts the connection (`destroy`). */
  close(how: "end" | "destroy"): void;
  /** Sends a BOOKMARK now if the client asked for bookmarks; returns whether it did. */
  bookmark(): boolean;
}

export function startWatch(
  res: ServerResponse,
  store: ObjectStore,
  type: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
  opts: WatchOptions,
  onClose: (w: OpenWatch) => void,
): OpenWatch {
  const labels = parseLabelSelector(query.get("labelSelector"));
  const fields = parseFieldSelector(query.get("fieldSelector"));
  const rvParam = query.get("resourceVersion") ?? "";
  const from = rvParam === "" ? undefined : Number(rvParam);
  if (from !== undefined && !Number.isInteger(from)) throw badRequest(`invalid resource version: ${rvParam}`);
  const bookmarks = query.get("allowWatchBookmarks") === "true" || query.get("allowWatchBookmarks") === "1";
  const initialEvents = query.get("sendInitialEvents") === "true";
  const timeoutSeconds = Number(query.get("timeoutSeconds") ?? opts.defaultTimeoutSeconds);

  const matches = (o: KubeObject | undefined) =>
    o !== undefined && (namespace === undefined || (o.metadata.namespace ?? "") === namespace) && labels(o) && fields(o);
  const send = (event: string, object: unknown) => {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify({ type: event, object })}\n`);
  };
  const sendObject = (event: string, o: KubeObject) => send(event, present(o, type));
  const bookmarkObject = (annotations?: Record<string, string>) => ({
    kind: type.kind,
    apiVersion: apiVersionOf(type),
    metadata: { resourceVersion: String(store.resourceVersion), ...(annotations ? { annotations } : {}) },
  });

  const deliver = (c: Change) => {
    if (c.group !== type.group || c.plural !== type.plural) return;
    const now = matches(c.object);
    const before = c.type === "MODIFIED" && matches(c.previous);
    if (c.type === "ADDED" && now) sendObject("ADDED", c.object);
    else if (c.type === "DELETED" && now) sendObject("DELETED", c.object);
    else if (c.type === "MODIFIED" && now) sendObject(before ? "MODIFIED" : "ADDED", c.object);
    else if (c.type === "MODIFIED" && before) sendObject("DELETED", c.object);
  };

  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-cache, private", "transfer-encoding": "chunked" });
  res.flushHeaders();

  let unsubscribe = () => {};
  const timers: NodeJS.Timeout[] = [];
  let closed = false;
  const watch: OpenWatch = {
    type,
    namespace,
    close(how) {
      if (how === "destroy") res.destroy();
      else res.end();
    },
    bookmark() {
      if (!bookmarks || closed) return false;
      send("BOOKMARK", bookmarkObject());
      return true;
    },
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    onClose(watch);
  };
  res.on("close", finish);

  if (from === undefined || from === 0 || initialEvents) {
    for (const o of store.list(type.group, type.plural, namespace)) if (matches(o)) sendObject("ADDED", o);
    if (initialEvents && bookmarks) send("BOOKMARK", bookmarkObject({ "k8s.io/initial-events-end": "true" }));
  } else {
    const changes = store.changesSince(from);
    if (!changes) {
      send("ERROR", expired(from, store.compactedThrough).status);
      res.end();
      return watch;
    }
    for (const c of changes) deliver(c);
  }
  unsubscribe = store.subscribe(deliver);
  if (timeoutSeconds > 0) timers.push(setTimeout(() => res.end(), timeoutSeconds * 1000));
  if (bookmarks && opts.bookmarkIntervalMs > 0) {
    timers.push(setInterval(() => watch.bookmark(), opts.bookmarkIntervalMs));
  }
  return watch;
}
