// Media ids, object keys and storage references. Ids are random (122 bits from crypto.randomUUID,
// the Web Crypto global, so this file runs in workerd too) and unguessable; a filename never
// reaches a key or a path. Portable: no node:* imports.

/** A session or media id as it may appear in a key or a path: no separators, no dots-only names. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const STORAGE_REF = /^omnia:\/\/sessions\/([^/]+)\/media\/([^/]+)$/;

/** Where one media object lives: its session and its own id. */
export interface MediaObject {
  sessionId: string;
  mediaId: string;
}

export function newMediaId(): string {
  return crypto.randomUUID();
}

export function newUploadId(): string {
  return crypto.randomUUID();
}

export function isSafeId(id: string): boolean {
  return SAFE_ID.test(id);
}

/** `{prefix}/{session_id}/{media_id}` (no leading slash when the prefix is empty). */
export function objectKey(prefix: string, object: MediaObject): string {
  assertSafe(object);
  const trimmed = prefix.replace(/^\/+|\/+$/g, "");
  return `${trimmed === "" ? "" : `${trimmed}/`}${object.sessionId}/${object.mediaId}`;
}

/** `omnia://sessions/{session_id}/media/{media_id}` (PROTOCOL.md section 2). */
export function formatStorageRef(object: MediaObject): string {
  assertSafe(object);
  return `omnia://sessions/${object.sessionId}/media/${object.mediaId}`;
}

/** The object a storage reference names, or undefined when it is not one (or names unsafe ids). */
export function parseStorageRef(ref: string): MediaObject | undefined {
  const match = STORAGE_REF.exec(ref);
  if (!match?.[1] || !match[2]) return undefined;
  const object = { sessionId: match[1], mediaId: match[2] };
  return isSafeId(object.sessionId) && isSafeId(object.mediaId) ? object : undefined;
}

function assertSafe({ sessionId, mediaId }: MediaObject): void {
  if (!isSafeId(sessionId)) throw new Error(`session id ${JSON.stringify(sessionId)} is not usable in a media key (letters, digits, - and _ only, at most 128)`);
  if (!isSafeId(mediaId)) throw new Error(`media id ${JSON.stringify(mediaId)} is not usable in a media key (letters, digits, - and _ only, at most 128)`);
}
