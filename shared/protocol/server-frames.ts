import * as v from "valibot";
import { ContentPartSchema } from "./content-part.js";
import { ERROR_CODES } from "./error-codes.js";

// Server -> client frames (PROTOCOL.md section 1). Every frame has type and timestamp and, once
// known, session_id; turn frames (chunk, done, tool_call, turn-ending error) carry seq and turn_id.

export const PROTOCOL_VERSION = 1;

const Timestamp = v.pipe(v.string(), v.isoTimestamp());
const Seq = v.pipe(v.number(), v.integer(), v.minValue(1));
const TurnFields = { seq: Seq, turn_id: v.string() };

export const ConnectedFrameSchema = v.object({
  type: v.literal("connected"),
  timestamp: Timestamp,
  session_id: v.string(),
  connected: v.object({
    capabilities: v.object({
      binary_frames: v.boolean(),
      max_payload_size: v.pipe(v.number(), v.integer()),
      protocol_version: v.pipe(v.number(), v.integer()),
    }),
    resumed: v.optional(v.boolean()),
    // Ours, with `resumed`: the session's last journaled seq and whether a turn is running, so a
    // client can tell whether a message it sent before the drop ever arrived.
    last_seq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    turn_running: v.optional(v.boolean()),
  }),
});

export const ChunkFrameSchema = v.object({
  type: v.literal("chunk"),
  timestamp: Timestamp,
  session_id: v.string(),
  content: v.optional(v.string()),
  parts: v.optional(v.array(ContentPartSchema)),
  ...TurnFields,
});

export const UsageSchema = v.object({
  input_tokens: v.pipe(v.number(), v.integer(), v.minValue(0)),
  output_tokens: v.pipe(v.number(), v.integer(), v.minValue(0)),
  cost_usd: v.pipe(v.number(), v.minValue(0)),
});

export const DoneFrameSchema = v.object({
  type: v.literal("done"),
  timestamp: Timestamp,
  session_id: v.string(),
  content: v.optional(v.string()),
  parts: v.optional(v.array(ContentPartSchema)),
  usage: v.optional(UsageSchema),
  ...TurnFields,
});

export const ToolCallFrameSchema = v.object({
  type: v.literal("tool_call"),
  timestamp: Timestamp,
  session_id: v.string(),
  tool_call: v.object({
    id: v.string(),
    name: v.string(),
    arguments: v.record(v.string(), v.unknown()),
    consent_message: v.optional(v.string()),
    categories: v.optional(v.array(v.string())),
  }),
  ...TurnFields,
});

export const ErrorFrameSchema = v.object({
  type: v.literal("error"),
  timestamp: Timestamp,
  session_id: v.optional(v.string()),
  error: v.object({
    code: v.picklist(ERROR_CODES),
    message: v.string(),
    details: v.optional(v.record(v.string(), v.unknown())),
  }),
  // Present only when the error ends a turn.
  seq: v.optional(Seq),
  turn_id: v.optional(v.string()),
});

export const ServerFrameSchema = v.variant("type", [
  ConnectedFrameSchema,
  ChunkFrameSchema,
  DoneFrameSchema,
  ToolCallFrameSchema,
  ErrorFrameSchema,
]);

export type ConnectedFrame = v.InferOutput<typeof ConnectedFrameSchema>;
export type ChunkFrame = v.InferOutput<typeof ChunkFrameSchema>;
export type DoneFrame = v.InferOutput<typeof DoneFrameSchema>;
export type ToolCallFrame = v.InferOutput<typeof ToolCallFrameSchema>;
export type ErrorFrame = v.InferOutput<typeof ErrorFrameSchema>;
export type ServerFrame = v.InferOutput<typeof ServerFrameSchema>;
export type Usage = v.InferOutput<typeof UsageSchema>;
