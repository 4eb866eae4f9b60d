import { describe, expect, it } from "vitest";
import { ProviderError } from "../language-model.js";
import { toAiSdkMessages } from "./to-ai-sdk-prompt.js";

describe("toAiSdkMessages", () => {
  it("sends media by URL or as base64 data with its media type, after the message text", () => {
    const [user] = toAiSdkMessages([
      {
        role: "user",
        content: "What is in these?",
        parts: [
          { type: "image", media: { url: "https://example.com/cat.png", mimeType: "image/png" } },
          { type: "document", media: { data: "JVBERi0xLjQ=", mimeType: "application/pdf" } },
        ],
      },
    ]);
    expect(user).toEqual({
      role: "user",
      content: [
        { type: "text", text: "What is in these?" },
        { type: "image", image: new URL("https://example.com/cat.png"), mediaType: "image/png" },
        { type: "file", data: "JVBERi0xLjQ=", mediaType: "application/pdf" },
      ],
    });
  });

  it("refuses a media part that carries only a storage reference", () => {
    expect(() => toAiSdkMessages([{ role: "user", content: "", parts: [{ type: "audio", media: { storageRef: "omnia://x" } }] }])).toThrow(ProviderError);
  });

  it("replays assistant tool calls and tool results, keeping arguments that are not JSON as text", () => {
    const messages = toAiSdkMessages([
      { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "lookup", argumentsJson: '{"q":"x"}' }, { id: "c2", name: "lookup", argumentsJson: "{oops" }] },
      { role: "tool", toolCallId: "c1", toolName: "lookup", content: '{"hits":0}' },
    ]);
    expect(messages).toEqual([
      {
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: "c1", toolName: "lookup", input: { q: "x" } },
          { type: "tool-call", toolCallId: "c2", toolName: "lookup", input: "{oops" },
        ],
      },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", toolName: "lookup", output: { type: "text", value: '{"hits":0}' } }] },
    ]);
  });
});
