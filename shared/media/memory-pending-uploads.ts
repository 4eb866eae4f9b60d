// Pending uploads in this process's memory: for one facade without Redis (local mode) and tests.
// Records go at their media expiry. Portable.
import type { ConfirmOutcome, PendingUpload, PendingUploads } from "./pending-uploads.js";

export class MemoryPendingUploads implements PendingUploads {
  private readonly uploads = new Map<string, PendingUpload>();
  private readonly byMedia = new Map<string, string>();
  private readonly now: () => number;

  constructor({ now = Date.now }: { now?: () => number } = {}) {
    this.now = now;
  }

  async add(upload: PendingUpload): Promise<void> {
    this.dropExpired();
    this.uploads.set(upload.uploadId, { ...upload });
    this.byMedia.set(mediaKey(upload.sessionId, upload.mediaId), upload.uploadId);
  }

  async get(uploadId: string): Promise<PendingUpload | null> {
    this.dropExpired();
    const found = this.uploads.get(uploadId);
    return found ? { ...found } : null;
  }

  async getByMedia(sessionId: string, mediaId: string): Promise<PendingUpload | null> {
    const uploadId = this.byMedia.get(mediaKey(sessionId, mediaId));
    return uploadId === undefined ? null : this.get(uploadId);
  }

  async confirm(uploadId: string, at: number): Promise<ConfirmOutcome> {
    this.dropExpired();
    const found = this.uploads.get(uploadId);
    if (!found) return "not_found";
    if (found.state === "confirmed") return "already_confirmed";
    this.uploads.set(uploadId, { ...found, state: "confirmed", confirmedAt: at });
    return "confirmed";
  }

  async close(): Promise<void> {
    this.uploads.clear();
    this.byMedia.clear();
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [id, upload] of this.uploads) {
      if (upload.mediaExpiresAt > now) continue;
      this.uploads.delete(id);
      this.byMedia.delete(mediaKey(upload.sessionId, upload.mediaId));
    }
  }
}

function mediaKey(sessionId: string, mediaId: string): string {
  return `${sessionId}/${mediaId}`;
}
