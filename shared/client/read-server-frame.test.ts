import { describe, expect, it } from "vitest";
import { readServerFrame } from "./read-server-frame.js";

const timestamp = "2025-01-01T00:00:00.000Z";

describe("readServerFrame", () => {
  it("accepts a protocol frame", () => {
    const chunk = { type: "chunk", timestamp, session_id: "s1", content: "Hi", seq: 1, turn_id: "t1" };
    expect(readServerFrame(JSON.stringify(chunk))).toEqual({ ok: true, frame: chunk });
  });

  it("names what is wrong with a frame it cannot use", () => {
    expect(readServerFrame("{oops")).toEqual({ ok: false, problem: "frame is not valid JSON" });
    expect(readServerFrame("[1]")).toEqual({ ok: false, problem: "frame is not a JSON object" });
    expect(readServerFrame('{"content":"x"}')).toEqual({ ok: false, problem: 'frame has no "type" string field' });
    expect(readServerFrame(new ArrayBuffer(4))).toMatchObject({ ok: false, problem: expect.stringContaining("binary frame") });
    expect(readServerFrame('{"type":"upload_ready"}')).toEqual({ ok: false, problem: 'unknown frame type "upload_ready"' });
    const badSeq = readServerFrame(JSON.stringify({ type: "chunk", timestamp, session_id: "s1", content: "x", seq: 0, turn_id: "t1" }));
    expect(badSeq).toMatchObject({ ok: false, problem: expect.stringContaining("chunk.seq") });
    const badCode = readServerFrame(JSON.stringify({ type: "error", timestamp, error: { code: "NOPE", message: "m" } }));
    expect(badCode).toMatchObject({ ok: false, problem: expect.stringContaining("error.error.code") });
  });
});
