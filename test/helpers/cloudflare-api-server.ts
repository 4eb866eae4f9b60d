// A stand-in for Cloudflare's API in tests, for the two calls the operator makes on
// `/client/v4/accounts/{account_id}/workers/scripts/{script_name}`: "Upload Worker Module" (PUT with
// a multipart/form-data body) and "Delete Worker" (DELETE, `?force=true` to take the Worker's own
// Durable Objects with it). An HTTP server on 127.0.0.1 (random port) that checks what Cloudflare
// documents and records each accepted upload and deletion.
//
// DELETE: the same authorization checks; 404 (code 10007) for a script it does not hold (never
// uploaded here, or deleted); a script whose migrations created Durable Object classes is refused
// without `force=true` (400), as Cloudflare stops such a delete; success answers `result: null`.
//
// What it checks, answering Cloudflare's envelope `{success, errors[{code, message}], messages,
// result}`: the path and method (404 / 405 otherwise); `Authorization: Bearer <token>` for an account
// it knows (401 without or with a wrong one; 403 for an account the token does not belong to); a
// multipart/form-data body (400 otherwise) with a `metadata` part holding JSON whose `main_module`
// names a part that is present, sent as `application/javascript+module`; `compatibility_date` as
// YYYY-MM-DD; bindings of the types the operator sends (plain_text and secret_text with a string
// `text`, durable_object_namespace with a `class_name`), names unique; and that a Durable Object
// class a binding names exists: created by a `migrations` entry of this or an earlier upload (a
// migration tag already applied is refused, as Cloudflare does).
//
// Its limits: no other endpoint (no GET of a script), no worker versions or deployments, no script size limits, the
// module is not parsed or run, bindings of other types are refused rather than checked, and only
// the single-step migration form (`new_tag`, `new_classes`/`new_sqlite_classes`) is understood.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface WorkerUpload {
  accountId: string;
  scriptName: string;
  metadata: Record<string, unknown>;
  /** The non-metadata parts: name, content type, text. */
  modules: Array<{ name: string; type: string; text: string }>;
}

export interface CloudflareApiServer {
  /** `http://127.0.0.1:<port>/client/v4`: the API base to configure. */
  apiUrl: string;
  /** Accepted uploads, in order. */
  readonly uploads: readonly WorkerUpload[];
  /** Accepted deletions, in order. */
  readonly deletions: ReadonlyArray<{ accountId: string; scriptName: string; force: boolean }>;
  /** Every request, accepted or not: method, path and the status answered. */
  readonly requests: ReadonlyArray<{ method: string; path: string; status: number }>;
  /** The next `count` authorized requests (of `method` only, if given) answer `status` with Cloudflare's error envelope. */
  failNext(count: number, status: number, message?: string, method?: "PUT" | "DELETE"): void;
  close(): Promise<void>;
}

interface Failure extends Error {
  status: number;
  code: number;
}
const failure = (status: number, code: number, message: string): Failure => Object.assign(new Error(message), { status, code });

const UPLOAD_PATH = /^\/client\/v4\/accounts\/([^/]+)\/workers\/scripts\/([^/]+)$/;
const BINDING_TYPES = new Set(["plain_text", "secret_text", "durable_object_namespace"]);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function checkBindings(bindings: unknown, classes: ReadonlySet<string>): void {
  if (bindings === undefined) return;
  if (!Array.isArray(bindings)) throw failure(400, 10021, "metadata.bindings must be an array");
  const names = new Set<string>();
  for (const b of bindings) {
    if (!isRecord(b) || typeof b.name !== "string" || typeof b.type !== "string") throw failure(400, 10021, "each binding needs a string name and type");
    if (!BINDING_TYPES.has(b.type)) throw failure(400, 10021, `binding ${b.name}: type ${b.type} is not supported here`);
    if (names.has(b.name)) throw failure(400, 10021, `binding name ${b.name} is used twice`);
    names.add(b.name);
    if ((b.type === "plain_text" || b.type === "secret_text") && typeof b.text !== "string") throw failure(400, 10021, `binding ${b.name}: text must be a string`);
    if (b.type === "durable_object_namespace") {
      if (typeof b.class_name !== "string") throw failure(400, 10021, `binding ${b.name}: class_name is required`);
      if (!classes.has(b.class_name)) throw failure(400, 10061, `binding ${b.name} refers to Durable Object class ${b.class_name}, which no migration created`);
    }
  }
}

export async function startCloudflareApiServer(options: { accounts: Record<string, string> }): Promise<CloudflareApiServer> {
  const uploads: WorkerUpload[] = [];
  const requests: Array<{ method: string; path: string; status: number }> = [];
  /** Per account/script: applied migration tags and the Durable Object classes they created. */
  const scripts = new Map<string, { tags: Set<string>; classes: Set<string> }>();
  const faults: Array<{ status: number; message: string; method?: string }> = [];
  const deletions: Array<{ accountId: string; scriptName: string; force: boolean }> = [];

  function authorize(req: IncomingMessage, accountId: string): void {
    const auth = req.headers.authorization ?? "";
    const token = auth.startsWith("Bearer ") ? auth.slice("Bearer ".length) : undefined;
    if (token === undefined || !Object.values(options.accounts).includes(token)) throw failure(401, 10000, "Authentication error");
    if (options.accounts[accountId] !== token) throw failure(403, 10000, "Authentication error: the token has no access to this account");
    const index = faults.findIndex((f) => f.method === undefined || f.method === req.method);
    const [fault] = index < 0 ? [] : faults.splice(index, 1);
    if (fault) throw failure(fault.status, 10013, fault.message);
  }

  function remove(req: IncomingMessage, accountId: string, scriptName: string, force: boolean): null {
    authorize(req, accountId);
    const key = `${accountId}/${scriptName}`;
    const state = scripts.get(key);
    if (!state) throw failure(404, 10007, "This Worker does not exist on your account.");
    if (state.classes.size > 0 && !force) {
      throw failure(400, 10064, `Worker ${scriptName} implements Durable Object classes (${[...state.classes].join(", ")}): delete with force=true to delete them too`);
    }
    scripts.delete(key);
    deletions.push({ accountId, scriptName, force });
    return null;
  }

  async function upload(req: IncomingMessage, accountId: string, scriptName: string): Promise<unknown> {
    authorize(req, accountId);
    const contentType = req.headers["content-type"] ?? "";
    if (!contentType.startsWith("multipart/form-data")) throw failure(400, 10021, "expected a multipart/form-data body");
    let form: FormData;
    try {
      form = await new Request("http://local/", { method: "PUT", headers: { "content-type": contentType }, body: new Uint8Array(await readBody(req)) }).formData();
    } catch {
      throw failure(400, 10021, "the multipart body could not be parsed");
    }
    const metadataPart = form.get("metadata");
    if (metadataPart === null) throw failure(400, 10021, "the metadata part is missing");
    let metadata: unknown;
    try {
      metadata = JSON.parse(typeof metadataPart === "string" ? metadataPart : await metadataPart.text());
    } catch {
      throw failure(400, 10021, "the metadata part is not JSON");
    }
    if (!isRecord(metadata)) throw failure(400, 10021, "metadata must be an object");
    const main = metadata.main_module;
    if (typeof main !== "string") throw failure(400, 10021, "metadata.main_module is required for an ES module Worker");
    const modules: WorkerUpload["modules"] = [];
    for (const [name, part] of form.entries()) {
      if (name === "metadata") continue;
      if (typeof part === "string") throw failure(400, 10021, `part ${name} must be a file part`);
      modules.push({ name, type: part.type, text: await part.text() });
    }
    const entry = modules.find((m) => m.name === main);
    if (!entry) throw failure(400, 10021, `main_module ${main} names no part of the upload`);
    if (entry.type !== "application/javascript+module") throw failure(400, 10021, `part ${main} must be sent as application/javascript+module, not ${entry.type || "untyped"}`);
    if (typeof metadata.compatibility_date !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(metadata.compatibility_date)) {
      throw failure(400, 10021, "metadata.compatibility_date must be YYYY-MM-DD");
    }
    if (metadata.compatibility_flags !== undefined && !(Array.isArray(metadata.compatibility_flags) && metadata.compatibility_flags.every((f) => typeof f === "string"))) {
      throw failure(400, 10021, "metadata.compatibility_flags must be a list of strings");
    }
    const key = `${accountId}/${scriptName}`;
    const state = scripts.get(key) ?? { tags: new Set<string>(), classes: new Set<string>() };
    const classes = new Set(state.classes);
    const migration = metadata.migrations;
    if (migration !== undefined) {
      if (!isRecord(migration) || typeof migration.new_tag !== "string") throw failure(400, 10021, "metadata.migrations needs a new_tag");
      if (state.tags.has(migration.new_tag)) throw failure(400, 10079, `migration tag ${migration.new_tag} was already applied to this script`);
      for (const list of [migration.new_classes, migration.new_sqlite_classes]) {
        for (const c of Array.isArray(list) ? list : []) if (typeof c === "string") classes.add(c);
      }
    }
    checkBindings(metadata.bindings, classes);
    if (isRecord(migration)) state.tags.add(String(migration.new_tag));
    state.classes = classes;
    scripts.set(key, state);
    uploads.push({ accountId, scriptName, metadata, modules });
    return { id: scriptName, etag: String(uploads.length), modified_on: new Date().toISOString() };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://local");
    const path = url.pathname;
    const send = (status: number, body: unknown) => {
      requests.push({ method: req.method ?? "", path, status });
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    try {
      const match = UPLOAD_PATH.exec(path);
      if (!match) throw failure(404, 7003, "Could not route to " + path);
      const [accountId, scriptName] = [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!)];
      let result: unknown;
      if (req.method === "PUT") result = await upload(req, accountId, scriptName);
      else if (req.method === "DELETE") result = remove(req, accountId, scriptName, url.searchParams.get("force") === "true");
      else throw failure(405, 10405, "Method not allowed");
      send(200, { success: true, errors: [], messages: [], result });
    } catch (err) {
      const f = err as Partial<Failure>;
      send(f.status ?? 500, { success: false, errors: [{ code: f.code ?? 10000, message: f.message ?? String(err) }], messages: [], result: null });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/client/v4`,
    uploads,
    deletions,
    requests,
    failNext: (count, status, message = "Internal error", method) => {
      for (let i = 0; i < count; i++) faults.push({ status, message, ...(method ? { method } : {}) });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
