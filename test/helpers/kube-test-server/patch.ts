// The patch formats: JSON merge patch (RFC 7386) and JSON patch (RFC 6902). Strategic merge patch
// is served as a merge patch (lists are replaced, `$patch` directives are not understood).
import { badRequest } from "./status.js";
import { clone, isPlainObject } from "./objects.js";

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

const unescape = (token: string) => token.replace(/~1/g, "/").replace(/~0/g, "~");

function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw badRequest(`the JSON patch path "${path}" must start with "/"`);
  return path.slice(1).split("/").map(unescape);
}

function parentOf(doc: unknown, tokens: string[], path: string): { parent: unknown; key: string } {
  let node = doc;
  for (const token of tokens.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(token)] : isPlainObject(node) ? node[token] : undefined;
    if (node === undefined) throw badRequest(`the server rejected our request due to an error in our request: doc is missing path: "${path}"`);
  }
  return { parent: node, key: tokens[tokens.length - 1] ?? "" };
}

function read(doc: unknown, path: string): unknown {
  let node = doc;
  for (const token of pointer(path)) {
    node = Array.isArray(node) ? node[Number(token)] : isPlainObject(node) ? node[token] : undefined;
    if (node === undefined) throw badRequest(`the server rejected our request due to an error in our request: doc is missing path: "${path}"`);
  }
  return node;
}

function remove(doc: unknown, path: string): unknown {
  const { parent, key } = parentOf(doc, pointer(path), path);
  if (Array.isArray(parent)) return parent.splice(Number(key), 1)[0];
  if (isPlainObject(parent) && key in parent) {
    const old = parent[key];
    delete parent[key];
    return old;
  }
  throw badRequest(`the server rejected our request due to an error in our request: Unable to remove nonexistent key: ${key}: missing value`);
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const index = key === "-" ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw badRequest(`the JSON patch index ${key} is out of range`);
    parent.splice(index, 0, value);
  } else if (isPlainObject(parent)) parent[key] = value;
  else throw badRequest(`the JSON patch path "${path}" does not lead into an object or array`);
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest("a JSON patch must be an array of operations");
  let doc = clone(target);
  for (const raw of ops as JsonPatchOp[]) {
    if (!isPlainObject(raw) || typeof raw.op !== "string" || typeof raw.path !== "string") throw badRequest("each JSON patch operation needs op and path");
    switch (raw.op) {
      case "add":
        doc = add(doc, raw.path, clone(raw.value));
        break;
      case "remove":
        remove(doc, raw.path);
        break;
      case "replace":
        read(doc, raw.path);
        if (raw.path === "") doc = clone(raw.value);
        else {
          remove(doc, raw.path);
          doc = add(doc, raw.path, clone(raw.value));
        }
        break;
      case "move": {
        const value = remove(doc, raw.from ?? "");
        doc = add(doc, raw.path, value);
        break;
      }
      case "copy":
        doc = add(doc, raw.path, clone(read(doc, raw.from ?? "")));
        break;
      case "test":
        if (JSON.stringify(read(doc, raw.path)) !== JSON.stringify(raw.value)) throw badRequest(`the server rejected our request due to an error in our request: testing value ${raw.path} failed`);
        break;
      default:
        throw badRequest(`Unexpected kind: ${raw.op}`);
    }
  }
  return doc;
}
