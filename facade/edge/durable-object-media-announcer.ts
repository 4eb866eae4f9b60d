// Completed uploads told, at the edge, to the Durable Object that holds the session's sockets: the
// Worker's front answers confirm-upload, but only the object may write to its sockets (workerd
// refuses I/O on another request's objects), so the front posts the completion to the object
// named by the session, which delivers it there. Only the front reaches objects; it forwards
// nothing but upgrades to them, so this path cannot be called from outside.
import { parseStorageRef } from "../../shared/media/media-ids.js";
import type { MediaInfo } from "../../shared/media/media-uploads.js";
import type { MediaAnnouncer } from "../core/facade-media.js";
import type { Logger } from "../core/logger.js";
import type { DurableObjectNamespace } from "./workers-runtime.js";

/** Where a session's object takes completed uploads (never forwarded from outside the Worker). */
export const MEDIA_COMPLETED_PATH = "/__omnia/media-completed";

export class DurableObjectMediaAnnouncer implements MediaAnnouncer {
  constructor(
    private readonly sessions: DurableObjectNamespace,
    private readonly logger: Logger,
  ) {}

  // The front holds no sockets: nothing comes to it.
  async start(): Promise<void> {}

  async publish(info: MediaInfo): Promise<void> {
    const object = parseStorageRef(info.storageRef);
    if (!object) return;
    try {
      const stub = this.sessions.get(this.sessions.idFromName(object.sessionId));
      const res = await stub.fetch(
        new Request(`https://omnia.internal${MEDIA_COMPLETED_PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(info) }),
      );
      if (!res.ok) throw new Error(`the session's object answered ${res.status}: ${(await res.text()).trim()}`);
    } catch (err) {
      // The socket still hears of it when its message names the upload.
      this.logger.warn({ err: err instanceof Error ? err.message : String(err), upload_id: info.uploadId }, "could not tell the session's object of a completed upload");
    }
  }

  async close(): Promise<void> {}
}
