// A turn's first ClientMessage (Converse's first message, ConverseTurn's request) -> the engine's
// TurnInput, and what makes one unusable.
import type { ClientMessage, ContentPart } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import type { StoredPart } from "../../shared/session/session-store.js";
import type { TurnInput } from "../engine/turn-events.js";
import type { CallIdentity } from "./call-identity.js";

/** Why the message cannot start a turn (an INVALID_MESSAGE for the caller), or undefined. */
export function turnRequestProblem(message: ClientMessage): string | undefined {
  if (message.clientToolResult) return "the first message of a turn must be the user message, not a client tool result";
  if (message.sessionId === "") return "session_id is required";
  if (message.content === "" && message.parts.length === 0) return "the message has neither content nor parts";
  return undefined;
}

/** `caller`: the call's x-omnia-* identity (its workspace, and the user a trusted facade proved). */
export function toTurnInput(message: ClientMessage, caller: Pick<CallIdentity, "workspace" | "userId">, signal: AbortSignal): TurnInput {
  const { workspace, userId } = caller;
  return {
    sessionId: message.sessionId,
    content: message.content || textOf(message.parts),
    parts: message.parts.map(toStoredPart),
    metadata: { ...message.metadata },
    ...(workspace ? { workspace } : {}),
    ...(userId ? { userId } : {}),
    mode: "conversation",
    signal,
  };
}

function textOf(parts: readonly ContentPart[]): string {
  return parts
    .filter((part) => part.type === "text")
    .map((part) => part.text)
    .join("\n");
}

function toStoredPart(part: ContentPart): StoredPart {
  const stored: StoredPart = { type: part.type };
  if (part.text) stored.text = part.text;
  if (part.media) {
    const { data, url, mimeType, storageRef } = part.media;
    stored.media = {
      ...(data ? { data } : {}),
      ...(url ? { url } : {}),
      ...(mimeType ? { mimeType } : {}),
      ...(storageRef ? { storageRef } : {}),
    };
  }
  return stored;
}
