// Every server frame is checked against the protocol's schemas before the client acts on it. A frame
// that does not match is reported with what is wrong, never thrown: one bad frame must not end a session.
import * as v from "valibot";
import { ServerFrameSchema, type ServerFrame } from "../protocol/server-frames.js";

export type ReadServerFrame = { ok: true; frame: ServerFrame } | { ok: false; problem: string };

const KNOWN_TYPES: ReadonlySet<string> = new Set(ServerFrameSchema.options.map((schema) => schema.entries.type.literal));

function describeIssue(type: string, issue: v.BaseIssue<unknown>): string {
  const path = (issue.path ?? []).map((p) => String(p.key)).join(".");
  return `${path ? `${type}.${path}` : type}: ${issue.message}`;
}

export function readServerFrame(data: unknown): ReadServerFrame {
  if (typeof data !== "string") return { ok: false, problem: "binary frame; this client reads JSON text frames only" };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, problem: "frame is not valid JSON" };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return { ok: false, problem: "frame is not a JSON object" };
  const type = "type" in json ? json.type : undefined;
  if (typeof type !== "string") return { ok: false, problem: 'frame has no "type" string field' };
  // Extensions are additive: a type this client does not know (upload_ready, …) is reported, not acted on.
  if (!KNOWN_TYPES.has(type)) return { ok: false, problem: `unknown frame type "${type.slice(0, 64)}"` };
  const parsed = v.safeParse(ServerFrameSchema, json);
  if (!parsed.success) return { ok: false, problem: parsed.issues.slice(0, 3).map((i) => describeIssue(type, i)).join("; ") };
  return { ok: true, frame: parsed.output };
}
