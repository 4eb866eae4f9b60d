// The frames that belong to a turn: they carry seq and turn_id, and the client acts on each once.
import type { ServerFrame } from "../protocol/server-frames.js";

type ErrorFrame = Extract<ServerFrame, { type: "error" }>;

/** chunk, done, tool_call, and an error that ends a turn. */
export type TurnFrame = Exclude<ServerFrame, { type: "connected" | "error" }> | (ErrorFrame & { seq: number; turn_id: string });

export function isTurnFrame(frame: Exclude<ServerFrame, { type: "connected" }>): frame is TurnFrame {
  return frame.type !== "error" || (frame.seq !== undefined && frame.turn_id !== undefined);
}

/** The text of a chunk or done: its content, else the text of its parts. */
export function frameText(frame: { content?: string | undefined; parts?: Array<{ text?: string | undefined }> | undefined }): string {
  return frame.content ?? (frame.parts ?? []).map((p) => p.text ?? "").join("");
}
