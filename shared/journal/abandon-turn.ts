// A turn whose owner's lease expired (the facade died and no runtime took the turn over) is
// ended by whoever notices, with one turn-ending error, so no session stays "in a turn".
import { turnFrameJson } from "../protocol/turn-frames.js";
import type { TurnJournal } from "./turn-journal.js";

/** True when this call ended the turn; false when it was not abandoned (or someone else ended it first). */
export async function endAbandonedTurn(journal: TurnJournal, sessionId: string, turnId: string, by: string): Promise<boolean> {
  const claimed = await journal.claim(sessionId, turnId, by, true);
  if (!claimed) return false;
  const seq = claimed.lastSeq + 1;
  const frame = turnFrameJson(
    { type: "error", code: "AGENT_UNAVAILABLE", message: "the turn was lost: the facade and the runtime serving it stopped before it ended; send the message again" },
    sessionId,
    seq,
    turnId,
  );
  return (await journal.append(sessionId, turnId, by, [{ seq, frame, end: true }], claimed.events)) === "ok";
}
