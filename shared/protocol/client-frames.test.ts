import { describe, expect, it } from "vitest";
import { parseClientFrame } from "./client-frames.js";

describe("parseClientFrame", () => {
  it("accepts a message and drops unknown fields", () => {
    const parsed = parseClientFrame(JSON.stringify({ type: "message", content: "hi", metadata: { a: "b" }, extra: 1 }));
    expect(parsed).toEqual({ ok: true, frame: { type: "message", content: "hi", metadata: { a: "b" } } });
  });
  it("treats a null session_id as none", () => {
    const parsed = parseClientFrame(JSON.stringify({ type: "message", session_id: null, content: "hi" }));
    expect(parsed.ok && parsed.frame.type === "message" && parsed.frame.session_id).toBe(undefined);
  });
  it("names what is wrong", () => {
    expect(parseClientFrame("{not json")).toEqual({ ok: false, message: "frame is not valid JSON" });
    expect(parseClientFrame("[1]")).toMatchObject({ ok: false, message: expect.stringContaining("JSON object") });
    expect(parseClientFrame('{"type":"dance"}')).toMatchObject({ ok: false, message: expect.stringContaining('unknown message type "dance"') });
    const wrong = parseClientFrame('{"type":"message","content":5}');
    expect(wrong).toMatchObject({ ok: false, message: expect.stringContaining("message.content") });
    const noCall = parseClientFrame('{"type":"tool_result","tool_result":{}}');
    expect(noCall).toMatchObject({ ok: false, message: expect.stringContaining("tool_result.tool_result.call_id") });
    const badSession = parseClientFrame('{"type":"message","session_id":"a b"}');
    expect(badSession).toMatchObject({ ok: false, message: expect.stringContaining("message.session_id") });
  });
});
