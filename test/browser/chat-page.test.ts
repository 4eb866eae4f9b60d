// Chromium opens the chat page of the local stack (the example manifests, as `npm start` runs
// them), sends messages and sees the streamed answers, including a client-side tool call, and keeps
// its session when the network drops (a TCP proxy between the browser and the facade cuts it).
// The `secured` agent asks for an API key, keeps it in the tab's sessionStorage only, connects with
// one-use tickets it buys with the key (the key never goes into a WebSocket URL), reconnects with a
// fresh ticket, and asks again when the key is refused.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../../deploy/local/child-process.js";
import { startLocalStack, type LocalStack } from "../../deploy/local/local-stack.js";
import { startCutProxy, type CutProxy } from "../helpers/tcp-cut-proxy.js";

const EXAMPLES = join(REPO_ROOT, "deploy/examples");

// The scripted answers, read from the example the page runs against.
function scriptedTurn(scenario: string, turn: number): string {
  const file = readFileSync(join(EXAMPLES, "mock-scenarios.yaml"), "utf8");
  const configMap = parseYaml(file.split(/^---$/m).find((d) => d.includes("scenarios.yaml")) ?? "") as { data: Record<string, string> };
  const scripts = parseYaml(configMap.data["scenarios.yaml"] ?? "") as { scenarios: Record<string, { turns: Record<string, unknown> }> };
  const value = scripts.scenarios[scenario]?.turns[String(turn)];
  if (typeof value !== "string") throw new Error(`no text turn ${turn} in scenario ${scenario}`);
  return value;
}

let stack: LocalStack;
let proxy: CutProxy;
let context: BrowserContext;
let page: Page;
const dirs: string[] = [];
/** Every WebSocket URL the page opened. */
const sockets: string[] = [];
const securedSockets = () => sockets.filter((url) => url.includes("agent=secured"));

beforeAll(async () => {
  const state = mkdtempSync(join(tmpdir(), "omnia-browser-"));
  const profile = mkdtempSync(join(tmpdir(), "omnia-chromium-"));
  dirs.push(state, profile);
  // Slow enough that the page is seen mid-stream.
  stack = await startLocalStack({ manifestsDir: EXAMPLES, port: 0, stateDir: state, runtimeEnv: { OMNIA_MOCK_CHUNK_DELAY_MS: "40" } });
  proxy = await startCutProxy(stack.port);
  context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("websocket", (ws) => void sockets.push(ws.url()));
}, 60_000);

afterAll(async () => {
  await context?.close();
  await proxy?.close();
  await stack?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("chat page in Chromium", () => {
  it("streams the answer as it arrives, then shows it whole", async () => {
    await page.goto(stack.url);
    await expect.poll(() => page.locator("#status").textContent()).toMatch(/session/);
    await page.fill("#input", "Hello there");
    await page.click("#send");
    await expect.poll(() => page.locator(".msg.user").last().textContent()).toBe("Hello there");
    const expected = scriptedTurn("default", 1);
    // Mid-stream: part of the answer is on the page before all of it is.
    await expect
      .poll(async () => {
        const shown = (await page.locator(".msg.assistant").last().textContent()) ?? "";
        return shown.length > 0 && shown.length < expected.length && expected.startsWith(shown);
      }, { timeout: 10_000, interval: 20 })
      .toBe(true);
    await expect.poll(() => page.locator(".msg.assistant[data-done=true]").last().textContent(), { timeout: 15_000 }).toBe(expected);
    await page.screenshot({ path: join(dirs[0] as string, "chat.png") });
  });

  it("asks before running the client-side tool, then shows the agent's answer", async () => {
    // The mock numbers its scripted turns per session, so the tool scenario starts a new one.
    await page.click("#new");
    await expect.poll(() => page.locator(".msg").count()).toBe(0);
    await expect.poll(() => page.locator("#status").textContent()).toMatch(/session/);
    await page.fill("#metadata", "mock_scenario=tools");
    await page.fill("#input", "Where am I?");
    await page.click("#send");
    const tool = page.locator(".msg.tool").last();
    await expect.poll(() => tool.textContent(), { timeout: 10_000 }).toContain("get_location");
    await page.getByRole("button", { name: "Allow" }).click();
    await expect.poll(() => tool.textContent()).toContain("time_zone");
    const answer = scriptedTurn("tools", 2);
    await expect.poll(() => page.locator(".msg.assistant[data-done=true]").last().textContent(), { timeout: 15_000 }).toBe(answer);
  });

  it("keeps the session when the connection drops between answers, and says it is reconnecting", async () => {
    // Through the proxy, so the network can fail under the page.
    await page.goto(proxy.url);
    await expect.poll(() => page.locator("#status").getAttribute("data-state")).toBe("open");
    const session = await page.locator("#status").getAttribute("data-session");
    await page.fill("#input", "Hello there");
    await page.click("#send");
    await expect.poll(() => page.locator(".msg.assistant[data-done=true]").last().textContent(), { timeout: 15_000 }).toBe(scriptedTurn("default", 1));

    proxy.refuse(true);
    proxy.cut();
    await expect.poll(() => page.locator("#status").textContent()).toMatch(/reconnecting/);
    proxy.refuse(false);
    await expect.poll(() => page.locator("#status").getAttribute("data-state"), { timeout: 10_000 }).toBe("open");
    expect(await page.locator("#status").getAttribute("data-session")).toBe(session);

    // The conversation goes on: the mock answers with the session's second scripted turn.
    await page.fill("#input", "Tell me more");
    await page.click("#send");
    await expect.poll(() => page.locator(".msg.assistant[data-done=true]").last().textContent(), { timeout: 15_000 }).toBe(scriptedTurn("default", 2));
    expect(await page.locator(".msg.error").count()).toBe(0);
  });

  // Needs the facade's resume (connected.resumed and the journal replay after after_seq).
  it("finishes an answer cut mid-stream in the same bubble, with nothing repeated", async () => {
    await page.goto(proxy.url);
    await expect.poll(() => page.locator("#status").getAttribute("data-state")).toBe("open");
    const session = await page.locator("#status").getAttribute("data-session");
    await page.fill("#input", "Hello there");
    await page.click("#send");
    const expected = scriptedTurn("default", 1);
    await expect
      .poll(async () => ((await page.locator(".msg.assistant").last().textContent()) ?? "").length, { timeout: 10_000, interval: 20 })
      .toBeGreaterThan(0);
    proxy.cut();
    // Each streamed chunk lands once: the bubble never holds more than a prefix of the answer.
    const seen: string[] = [];
    await expect
      .poll(
        async () => {
          const shown = (await page.locator(".msg.assistant").last().textContent()) ?? "";
          seen.push(shown);
          return (await page.locator(".msg.assistant[data-done=true]").count()) > 0;
        },
        { timeout: 15_000, interval: 20 },
      )
      .toBe(true);
    for (const shown of seen) expect(expected.startsWith(shown)).toBe(true);
    expect(await page.locator(".msg.assistant").count()).toBe(1);
    expect(await page.locator(".msg.assistant").textContent()).toBe(expected);
    expect(await page.locator("#status").textContent()).toMatch(/resumed/);
    expect(await page.locator("#status").getAttribute("data-session")).toBe(session);
    expect(await page.locator(".msg.error").count()).toBe(0);
  });
});

const status = () => page.locator("#status");
const lastAnswer = () => page.locator(".msg.assistant[data-done=true]").last().textContent();

describe("chat page with an agent that needs a key", () => {
  it("asks for a key, says so when it is refused, and asks again", async () => {
    await page.goto(`${proxy.url}?agent=secured`);
    await expect.poll(() => status().getAttribute("data-state")).toBe("auth");
    expect(await page.locator("#auth").isVisible()).toBe(true);
    expect(securedSockets()).toEqual([]);
    await page.fill("#key", "omnia-demo-mallory");
    await page.click("#use-key");
    await expect.poll(() => status().textContent()).toMatch(/refused/);
    expect(await page.locator(".msg.error").last().textContent()).toMatch(/UNAUTHORIZED/);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it("connects with a ticket bought with the right key, kept for this tab only, and chats", async () => {
    await page.fill("#key", "omnia-demo-alice");
    await page.click("#use-key");
    await expect.poll(() => status().getAttribute("data-state"), { timeout: 10_000 }).toBe("open");
    expect(await page.locator("#auth").isVisible()).toBe(false);
    await page.fill("#input", "Hello there");
    await page.click("#send");
    await expect.poll(lastAnswer, { timeout: 15_000 }).toMatch(/\S/);
    expect(await page.evaluate(() => ({ session: sessionStorage.getItem("omnia-key:default/secured"), local: localStorage.length }))).toEqual({ session: "omnia-demo-alice", local: 0 });
    expect(securedSockets().length).toBeGreaterThan(0);
    for (const url of securedSockets()) {
      expect(url).toMatch(/[?&]ticket=[A-Za-z0-9_-]{43}/);
      expect(url).not.toContain("omnia-demo");
    }
  });

  it("reconnects after the network drops with a fresh ticket, in the same session", async () => {
    const session = await status().getAttribute("data-session");
    const before = securedSockets().length;
    proxy.refuse(true);
    proxy.cut();
    await expect.poll(() => status().textContent()).toMatch(/reconnecting/);
    proxy.refuse(false);
    await expect.poll(() => status().getAttribute("data-state"), { timeout: 15_000 }).toBe("open");
    expect(await status().getAttribute("data-session")).toBe(session);
    const opened = securedSockets().slice(before).filter((url) => url.includes("ticket="));
    expect(opened.length).toBeGreaterThan(0);
    const tickets = securedSockets().map((url) => new URL(url).searchParams.get("ticket"));
    expect(new Set(tickets).size).toBe(tickets.length);
  });

  it("keeps the open assistant open", async () => {
    await page.selectOption("#agent", "default/assistant");
    await expect.poll(() => status().getAttribute("data-state"), { timeout: 10_000 }).toBe("open");
    expect(await page.locator("#auth").isVisible()).toBe(false);
    expect(sockets.at(-1)).toMatch(/agent=assistant/);
    expect(sockets.at(-1)).not.toContain("ticket=");
  });

  it("asks again in a new tab: the key is not shared beyond the tab", async () => {
    const other = await context.newPage();
    try {
      await other.goto(`${proxy.url}?agent=secured`);
      await expect.poll(() => other.locator("#status").getAttribute("data-state")).toBe("auth");
    } finally {
      await other.close();
    }
  });
});
