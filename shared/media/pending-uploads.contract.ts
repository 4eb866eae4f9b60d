// Behaviour every PendingUploads backend must have; each backend's test file runs it.
import { describe, expect, it } from "vitest";
import type { PendingUpload, PendingUploads } from "./pending-uploads.js";

export interface PendingUploadsUnderTest {
  uploads: PendingUploads;
  /** The clock the backend was given (epoch ms); tests move it. */
  clock: { now: number };
  /** Lets `ms` pass for record expiry (the injected clock, or real time where the store keeps the TTL). */
  pass(ms: number): Promise<void>;
}

let counter = 0;
export function anUpload(now: number, overrides: Partial<PendingUpload> = {}): PendingUpload {
  counter += 1;
  const sessionId = overrides.sessionId ?? `s-${counter}`;
  const mediaId = overrides.mediaId ?? `m-${counter}`;
  return {
    uploadId: `u-${counter}`,
    sessionId,
    mediaId,
    storageRef: `omnia://sessions/${sessionId}/media/${mediaId}`,
    mimeType: "image/png",
    sizeBytes: 1234,
    filename: "cat photo (1).png",
    createdAt: now,
    expiresAt: now + 900_000,
    mediaExpiresAt: now + 86_400_000,
    state: "pending",
    ...overrides,
  };
}

export function describePendingUploadsContract(name: string, make: () => Promise<PendingUploadsUnderTest>): void {
  describe(`PendingUploads contract: ${name}`, () => {
    const withUploads = (test: (u: PendingUploadsUnderTest) => Promise<void>) => async () => {
      const underTest = await make();
      try {
        await test(underTest);
      } finally {
        await underTest.uploads.close();
      }
    };

    it(
      "keeps an upload as requested, found by its id and by its session's media id",
      withUploads(async ({ uploads, clock }) => {
        const upload = anUpload(clock.now, { filename: "naïve 🙂 \"quoted\".png" });
        await uploads.add(upload);
        expect(await uploads.get(upload.uploadId)).toEqual(upload);
        expect(await uploads.getByMedia(upload.sessionId, upload.mediaId)).toEqual(upload);
        expect(await uploads.get("never-requested")).toBeNull();
      }),
    );

    it(
      "confirms once: the first confirm wins, a second gets already_confirmed, an unknown id not_found",
      withUploads(async ({ uploads, clock }) => {
        const upload = anUpload(clock.now);
        await uploads.add(upload);
        expect(await uploads.confirm(upload.uploadId, clock.now + 5)).toBe("confirmed");
        expect(await uploads.confirm(upload.uploadId, clock.now + 6)).toBe("already_confirmed");
        expect(await uploads.confirm("never-requested", clock.now)).toBe("not_found");
        expect(await uploads.get(upload.uploadId)).toEqual({ ...upload, state: "confirmed", confirmedAt: clock.now + 5 });
        expect(await uploads.getByMedia(upload.sessionId, upload.mediaId)).toMatchObject({ state: "confirmed" });
      }),
    );

    it(
      "gives exactly one confirmed when confirms race",
      withUploads(async ({ uploads, clock }) => {
        const upload = anUpload(clock.now);
        await uploads.add(upload);
        const outcomes = await Promise.all(Array.from({ length: 8 }, () => uploads.confirm(upload.uploadId, clock.now)));
        expect(outcomes.filter((o) => o === "confirmed")).toHaveLength(1);
        expect(outcomes.filter((o) => o === "already_confirmed")).toHaveLength(7);
      }),
    );

    it(
      "does not find one session's media under another session",
      withUploads(async ({ uploads, clock }) => {
        const upload = anUpload(clock.now, { sessionId: "owner", mediaId: "shared-id" });
        await uploads.add(upload);
        expect(await uploads.getByMedia("intruder", "shared-id")).toBeNull();
        expect(await uploads.getByMedia("owner", "shared-id")).toEqual(upload);
      }),
    );

    it(
      "forgets an upload once its media expires",
      withUploads(async ({ uploads, clock, pass }) => {
        const upload = anUpload(clock.now, { expiresAt: clock.now + 100, mediaExpiresAt: clock.now + 300 });
        await uploads.add(upload);
        await pass(150);
        expect(await uploads.get(upload.uploadId)).toMatchObject({ uploadId: upload.uploadId });
        await pass(250);
        expect(await uploads.get(upload.uploadId)).toBeNull();
        expect(await uploads.getByMedia(upload.sessionId, upload.mediaId)).toBeNull();
        expect(await uploads.confirm(upload.uploadId, clock.now)).toBe("not_found");
      }),
    );
  });
}
