// Stat, read and delete of one object by short-lived signed HTTP requests to the store: the
// Worker's Azure and GCS adapters, which cannot run their SDKs, answer them the same way whatever
// signed the request. Portable (fetch only).
import { MediaError } from "./media-error.js";
import type { MediaObject } from "./media-ids.js";
import type { StoredObject } from "./media-storage.js";

export type ObjectMethod = "HEAD" | "GET" | "DELETE";

/** What an adapter supplies: the signed request, and how it words a failure. */
export interface SignedStore {
  /** Sends `method` for the object with a freshly signed URL (a network failure may reject). */
  send(object: MediaObject, method: ObjectMethod): Promise<Response>;
  failure(operation: string, reason: string): MediaError;
  /** Why the store refused, from its answer. */
  refusal(res: Response): Promise<string>;
}

/** The stat, read and delete of a MediaStorage whose own requests are signed by `signedStore`. */
export abstract class SignedObjectRequests {
  protected abstract readonly signedStore: SignedStore;

  stat(object: MediaObject): Promise<StoredObject | null> {
    return statSigned(this.signedStore, object);
  }

  read(object: MediaObject): Promise<Uint8Array> {
    return readSigned(this.signedStore, object);
  }

  delete(object: MediaObject): Promise<void> {
    return deleteSigned(this.signedStore, object);
  }
}

async function statSigned(store: SignedStore, object: MediaObject): Promise<StoredObject | null> {
  const res = await sent(store, object, "HEAD", "stat");
  if (res.status === 404) return null;
  if (!res.ok) throw store.failure("stat", await store.refusal(res));
  return { sizeBytes: Number(res.headers.get("content-length") ?? 0), mimeType: res.headers.get("content-type") ?? "application/octet-stream" };
}

async function readSigned(store: SignedStore, object: MediaObject): Promise<Uint8Array> {
  const res = await sent(store, object, "GET", "read");
  if (res.status === 404) throw new MediaError("not_found", `media ${object.mediaId} of session ${object.sessionId} does not exist`);
  if (!res.ok) throw store.failure("read", await store.refusal(res));
  return new Uint8Array(await res.arrayBuffer());
}

/** Deleting what is already gone is no failure. */
async function deleteSigned(store: SignedStore, object: MediaObject): Promise<void> {
  const res = await sent(store, object, "DELETE", "delete");
  if (!res.ok && res.status !== 404) throw store.failure("delete", await store.refusal(res));
  await res.body?.cancel();
}

async function sent(store: SignedStore, object: MediaObject, method: ObjectMethod, operation: string): Promise<Response> {
  try {
    return await store.send(object, method);
  } catch (err) {
    if (err instanceof MediaError) throw err;
    throw store.failure(operation, err instanceof Error ? err.message : String(err));
  }
}
