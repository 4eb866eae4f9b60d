import { describe, expect, it } from "vitest";
import { formatStorageRef, newMediaId, objectKey, parseStorageRef } from "./media-ids.js";

describe("media ids, keys and storage refs", () => {
  it("makes keys {prefix}/{session_id}/{media_id} whatever slashes the prefix has", () => {
    const object = { sessionId: "s-1", mediaId: "m_2" };
    expect(objectKey("", object)).toBe("s-1/m_2");
    expect(objectKey("/agents/a/", object)).toBe("agents/a/s-1/m_2");
  });

  it("round-trips a storage ref and rejects anything else", () => {
    const object = { sessionId: "s-1", mediaId: newMediaId() };
    expect(parseStorageRef(formatStorageRef(object))).toEqual(object);
    for (const bad of ["omnia://sessions/s/media/", "omnia://sessions/s/media/a/b", "omnia://sessions/./media/x", "s3://b/k", "omnia://sessions/s%2F/media/x"]) {
      expect(parseStorageRef(bad), bad).toBeUndefined();
    }
  });

  it("makes ids that differ every time", () => {
    expect(new Set(Array.from({ length: 1_000 }, newMediaId)).size).toBe(1_000);
  });
});
