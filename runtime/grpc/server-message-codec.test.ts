import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ServerMessageSchema } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";
import { serializeServerMessage } from "./server-message-codec.js";
import { toServerMessage } from "./to-server-message.js";

const reference = (init: MessageInitShape<typeof ServerMessageSchema>) => Buffer.from(toBinary(ServerMessageSchema, create(ServerMessageSchema, init)));

describe("serializeServerMessage", () => {
  const texts = ["", "word ", "héllo wörld ✓ 🚀", "\ud800 lone surrogate", "x".repeat(127), "y".repeat(128), "z".repeat(20_000)];

  it.each(texts.map((text) => [text.length > 40 ? `${text.length} chars` : JSON.stringify(text), text]))("encodes the chunk %s exactly as toBinary does", (_, text) => {
    for (const role of ["assistant", ""]) {
      const init = { message: { case: "chunk", value: { content: text, role } } } as const;
      const bytes = serializeServerMessage(create(ServerMessageSchema, init));
      expect(bytes.equals(reference(init))).toBe(true);
      // A lone surrogate becomes U+FFFD on the wire either way.
      expect(fromBinary(ServerMessageSchema, bytes).message).toEqual({ case: "chunk", value: expect.objectContaining({ content: text.replace("\ud800", "\ufffd"), role }) });
    }
  });

  it("encodes the chunks toServerMessage builds, which equal what create() builds", () => {
    const init = { message: { case: "chunk", value: { content: "hi ", role: "assistant" } } } as const;
    const chunk = toServerMessage({ type: "chunk", text: "hi " });
    expect(chunk).toStrictEqual(create(ServerMessageSchema, init));
    expect(serializeServerMessage(chunk).equals(reference(init))).toBe(true);
  });

  it("encodes every other message with toBinary", () => {
    const done = toServerMessage({ type: "done", finalContent: "all done", usage: { inputTokens: 3, outputTokens: 2, costUsd: 0.5 } });
    expect(serializeServerMessage(done).equals(Buffer.from(toBinary(ServerMessageSchema, done)))).toBe(true);
    const error = toServerMessage({ type: "error", code: "INTERNAL_ERROR", message: "boom" });
    expect(fromBinary(ServerMessageSchema, serializeServerMessage(error)).message).toEqual(error.message);
  });
});
