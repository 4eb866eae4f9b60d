import * as v from "valibot";
import { ContentPartSchema } from "./content-part.js";

// Client -> server frames (PROTOCOL.md section 1). Unknown fields are dropped, not rejected:
// extensions are additive in both directions.

export const SessionIdSchema = v.pipe(
  v.string(),
  v.minLength(1, "must not be empty"),
  v.maxLength(128, "must be at most 128 characters"),
  v.regex(/^[A-Za-z0-9._:-]+$/, "may contain only letters, digits and . _ : -"),
);
// Clients written for the reference send `"session_id": null` for "none yet".
const OptionalSessionId = v.pipe(v.nullish(SessionIdSchema), v.transform((id) => id ?? undefined));
const CallId = v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(256));

export const MessageFrameSchema = v.object({
  type: v.literal("message"),
  session_id: OptionalSessionId,
  content: v.optional(v.string()),
  parts: v.optional(v.array(ContentPartSchema)),
  metadata: v.optional(v.record(v.string(), v.string())),
});

export const ToolResultFrameSchema = v.object({
  type: v.literal("tool_result"),
  session_id: OptionalSessionId,
  tool_result: v.object({
    call_id: CallId,
    result: v.optional(v.unknown()),
    error: v.optional(v.string()),
  }),
});

export const ToolCallAckFrameSchema = v.object({
  type: v.literal("tool_call_ack"),
  session_id: OptionalSessionId,
  tool_call_ack: v.object({ call_id: CallId }),
});

export const ToolCallNackFrameSchema = v.object({
  type: v.literal("tool_call_nack"),
  session_id: OptionalSessionId,
  tool_call_nack: v.object({ call_id: CallId, reason: v.optional(v.string()) }),
});

export const UploadRequestFrameSchema = v.object({
  type: v.literal("upload_request"),
  session_id: OptionalSessionId,
  upload_request: v.object({
    filename: v.pipe(v.string(), v.minLength(1, "must not be empty")),
    mime_type: v.pipe(v.string(), v.minLength(1, "must not be empty")),
    size_bytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
});

export const HangupFrameSchema = v.object({
  type: v.literal("hangup"),
  session_id: OptionalSessionId,
});

export const ResumeFrameSchema = v.object({
  type: v.literal("resume"),
  session_id: SessionIdSchema,
  after_seq: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

const CLIENT_FRAME_SCHEMAS = {
  message: MessageFrameSchema,
  tool_result: ToolResultFrameSchema,
  tool_call_ack: ToolCallAckFrameSchema,
  tool_call_nack: ToolCallNackFrameSchema,
  upload_request: UploadRequestFrameSchema,
  hangup: HangupFrameSchema,
  resume: ResumeFrameSchema,
} as const;

export type ClientFrameType = keyof typeof CLIENT_FRAME_SCHEMAS;
export const CLIENT_FRAME_TYPES = Object.keys(CLIENT_FRAME_SCHEMAS) as ClientFrameType[];

export type MessageFrame = v.InferOutput<typeof MessageFrameSchema>;
export type ToolResultFrame = v.InferOutput<typeof ToolResultFrameSchema>;
export type ToolCallAckFrame = v.InferOutput<typeof ToolCallAckFrameSchema>;
export type ToolCallNackFrame = v.InferOutput<typeof ToolCallNackFrameSchema>;
export type UploadRequestFrame = v.InferOutput<typeof UploadRequestFrameSchema>;
export type HangupFrame = v.InferOutput<typeof HangupFrameSchema>;
export type ResumeFrame = v.InferOutput<typeof ResumeFrameSchema>;
export type ClientFrame =
  | MessageFrame
  | ToolResultFrame
  | ToolCallAckFrame
  | ToolCallNackFrame
  | UploadRequestFrame
  | HangupFrame
  | ResumeFrame;

export type ParsedClientFrame = { ok: true; frame: ClientFrame } | { ok: false; message: string };

function describeIssue(type: string, issue: v.BaseIssue<unknown>): string {
  const path = (issue.path ?? []).map((p) => String(p.key)).join(".");
  const where = path ? `${type}.${path}` : type;
  return `${where}: ${issue.message}`;
}

/** Parses one text frame; on failure the message names what was wrong, for an INVALID_MESSAGE error. */
export function parseClientFrame(text: string): ParsedClientFrame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: "frame is not valid JSON" };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, message: "frame must be a JSON object with a \"type\" field" };
  }
  const type = (json as { type?: unknown }).type;
  if (typeof type !== "string") {
    return { ok: false, message: "frame has no \"type\" string field" };
  }
  const schema = (CLIENT_FRAME_SCHEMAS as Record<string, v.GenericSchema<unknown, ClientFrame>>)[type];
  if (!schema) {
    return { ok: false, message: `unknown message type "${type.slice(0, 64)}"; expected one of ${CLIENT_FRAME_TYPES.join(", ")}` };
  }
  const result = v.safeParse(schema, json);
  if (!result.success) {
    return { ok: false, message: result.issues.slice(0, 3).map((i) => describeIssue(type, i)).join("; ") };
  }
  return { ok: true, frame: result.output };
}
