import { describe, expect, it } from "vitest";
import { socketUrl } from "./socket-url.js";

describe("socketUrl", () => {
  it("adds the agent, and what to resume on a reconnect", () => {
    expect(socketUrl({ url: "ws://127.0.0.1:8080/ws", agent: "assistant", namespace: "team" })).toBe(
      "ws://127.0.0.1:8080/ws?agent=assistant&namespace=team",
    );
    expect(socketUrl({ url: "ws://h/ws?agent=a", resume: { sessionId: "s-1", afterSeq: 7 } })).toBe("ws://h/ws?agent=a&resume=s-1&after_seq=7");
  });

  it("turns an http(s) URL into a WebSocket one", () => {
    expect(socketUrl({ url: "http://h:1/ws" })).toBe("ws://h:1/ws");
    expect(socketUrl({ url: "https://h/api/agents/default/assistant/ws" })).toBe("wss://h/api/agents/default/assistant/ws");
  });
});
