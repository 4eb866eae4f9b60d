// What the history keeps of a message's parts: a part that names a storage_ref keeps the reference
// (and its MIME type), never bytes or a URL that came with it, so the session store stays small and
// a later turn reads the media from its store again. Parts without a reference are kept as sent.
import type { StoredPart } from "../../shared/session/session-store.js";

export function partsForHistory(parts: readonly StoredPart[]): StoredPart[] {
  return parts.map((part) => {
    const media = part.media;
    if (media?.storageRef === undefined) return part;
    return {
      type: part.type,
      ...(part.text !== undefined ? { text: part.text } : {}),
      media: { storageRef: media.storageRef, ...(media.mimeType !== undefined ? { mimeType: media.mimeType } : {}) },
    };
  });
}
