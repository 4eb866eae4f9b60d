// Chromium attaches files on the chat page of a facade whose media live in S3 (s3rver, checking
// SigV4 and the bucket's CORS rule): the PNG goes straight to the bucket from the page's origin
// (which the rule allows), the message reaches the mock, whose answer carries the file's SHA-256,
// and the download link returns the same bytes. From another origin the bucket's CORS refuses
// the upload and the page says why; a type the agent does not take is refused before any upload.
// The same with Azure Blob Storage (Azurite, checking SAS and the account's CORS rule). In local
// mode (the facade's disk), an agent behind a key gets the tab's key on every media call.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../deploy/local/child-process.js";
import { startLocalStack, type LocalStack } from "../../deploy/local/local-stack.js";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { freePort } from "../helpers/free-port.js";
import { azureCorsRule, startAzurite, type AzuriteServer } from "../helpers/media-servers/azurite.js";
import { startS3Server, type S3Server } from "../helpers/media-servers/s3-server.js";
import { s3MediaEnv, sha256, startMediaStack, testPng, type MediaStack } from "../media/media-stack.js";

let s3: S3Server;
let stack: MediaStack;
let context: BrowserContext;
let page: Page;
let facade: string;
let profile: string;
const png = testPng();
/** Hosts that answered the page's PUTs. */
const putHosts: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  facade = `http://127.0.0.1:${port}`;
  // The bucket allows the page's own origin only; http://localhost:port is another origin.
  s3 = await startS3Server({ corsOrigins: [facade] });
  stack = await startMediaStack({ ...s3MediaEnv(s3), OMNIA_MEDIA_ALLOWED_TYPES: "image/*,text/plain,application/pdf" });
  await stack.facade({ OMNIA_FACADE_PORT: String(port) });
  profile = mkdtempSync(join(tmpdir(), "omnia-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("response", (response) => {
    if (response.request().method() === "PUT") putHosts.push(new URL(response.url()).host);
  });
}, 90_000);

afterAll(async () => {
  await context?.close();
  await stack?.stop();
  await s3?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function openChat(url: string): Promise<void> {
  await page.goto(url);
  await expect.poll(() => page.locator("#status").textContent(), { timeout: 15_000 }).toMatch(/session/);
}

describe("chat page attachments in Chromium (S3)", () => {
  it("uploads a PNG straight to the bucket with a thumbnail, and the agent's answer carries its SHA-256", async () => {
    await openChat(`${facade}/`);
    await page.setInputFiles("#file", { name: "photo.png", mimeType: "image/png", buffer: Buffer.from(png) });
    await expect.poll(() => page.locator(".attachment").first().getAttribute("data-state"), { timeout: 15_000 }).toBe("ready");
    expect(await page.locator(".attachment progress").first().evaluate((bar: HTMLProgressElement) => bar.value)).toBe(1);
    expect(await page.locator(".attachment img").count()).toBe(1);
    expect(putHosts).toContain(new URL(s3.endpoint).host);

    await page.fill("#metadata", "mock_scenario=media");
    await page.fill("#input", "what is this?");
    await page.click("#send");
    await expect
      .poll(() => page.locator(".msg.assistant[data-done=true]").last().textContent(), { timeout: 20_000 })
      .toContain(`image/png, ${png.byteLength} bytes, sha256 ${sha256(png)}`);

    const href = await page.locator(".msg.user a").last().getAttribute("href");
    const downloaded = await fetch(new URL(href ?? "", facade));
    expect(downloaded.redirected).toBe(true);
    expect(new Uint8Array(await downloaded.arrayBuffer())).toEqual(png);
  });

  it("takes a file dropped on the conversation", async () => {
    await openChat(`${facade}/`);
    await page.evaluate((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], "dropped.png", { type: "image/png" }));
      document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    }, [...png]);
    await expect.poll(() => page.locator(".attachment").first().getAttribute("data-state"), { timeout: 15_000 }).toBe("ready");
    await expect.poll(() => page.locator(".attachment span").first().textContent()).toBe("dropped.png");
  });

  it("shows why a file of a type the agent does not take is refused", async () => {
    await openChat(`${facade}/`);
    await page.setInputFiles("#file", { name: "tool.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ") });
    await expect.poll(() => page.locator(".attachment").first().getAttribute("data-state"), { timeout: 10_000 }).toBe("refused");
    expect(await page.locator(".attachment").first().textContent()).toContain("application/x-msdownload is not an allowed type");
  });

  it("fails the upload from an origin the bucket's CORS rule does not allow, and says so", async () => {
    const before = putHosts.length;
    await openChat(`${facade.replace("127.0.0.1", "localhost")}/`);
    await page.setInputFiles("#file", { name: "photo.png", mimeType: "image/png", buffer: Buffer.from(png) });
    await expect.poll(() => page.locator(".attachment").first().getAttribute("data-state"), { timeout: 15_000 }).toBe("refused");
    expect(await page.locator(".attachment").first().textContent()).toContain("CORS");
    // Nothing answered a PUT: the browser stopped at the refused preflight.
    expect(putHosts.slice(before)).toEqual([]);
  });
});

describe("chat page attachments in local mode, agent behind a key", () => {
  let local: LocalStack;
  let state: string;

  beforeAll(async () => {
    state = mkdtempSync(join(tmpdir(), "omnia-chat-media-local-"));
    local = await startLocalStack({ manifestsDir: join(REPO_ROOT, "deploy/examples"), port: 0, stateDir: state, defaultMedia: true });
  }, 90_000);

  afterAll(async () => {
    await local?.stop();
    if (state) rmSync(state, { recursive: true, force: true });
  });

  it("uploads through the facade with the tab's key, and the agent's answer carries the SHA-256", async () => {
    await page.goto(`${local.url}?agent=secured`);
    await page.fill("#key", "omnia-demo-alice");
    await page.click("#use-key");
    await expect.poll(() => page.locator("#status").getAttribute("data-state"), { timeout: 10_000 }).toBe("open");
    await page.setInputFiles("#file", { name: "photo.png", mimeType: "image/png", buffer: Buffer.from(png) });
    await expect.poll(() => page.locator(".attachment").first().getAttribute("data-state"), { timeout: 15_000 }).toBe("ready");
    await page.fill("#metadata", "mock_scenario=media");
    await page.fill("#input", "and this?");
    await page.click("#send");
    await expect.poll(() => page.locator(".msg.assistant[data-done=true]").last().textContent(), { timeout: 20_000 }).toContain(sha256(png));
    // The link works with the key only: without it, the session is nobody's to show.
    const href = (await page.locator(".msg.user a").last().getAttribute("href")) ?? "";
    expect((await fetch(new URL(href, local.url))).status).toBe(401);
    const withKey = await fetch(new URL(href, local.url), { headers: { authorization: "Bearer omnia-demo-alice" } });
    expect(new Uint8Array(await withKey.arrayBuffer())).toEqual(png);
  });
});

describe("chat page attachments in Chromium (Azure, Azurite)", () => {
  let azurite: AzuriteServer;
  let azureStack: MediaStack;
  let origin: string;

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    azurite = await startAzurite();
    const service = new BlobServiceClient(azurite.endpoint, new StorageSharedKeyCredential(azurite.account, azurite.key));
    await service.getContainerClient("media").createIfNotExists();
    // The account allows the page's own origin only.
    await service.setProperties({ cors: [azureCorsRule([origin])] });
    azureStack = await startMediaStack({
      OMNIA_MEDIA_STORAGE_TYPE: "azure",
      OMNIA_MEDIA_AZURE_ACCOUNT: azurite.account,
      OMNIA_MEDIA_AZURE_CONTAINER: "media",
      OMNIA_MEDIA_AZURE_KEY: azurite.key,
      OMNIA_MEDIA_AZURE_ENDPOINT: azurite.endpoint,
    });
    await azureStack.facade({ OMNIA_FACADE_PORT: String(port) });
  }, 90_000);

  afterAll(async () => {
    await azureStack?.stop();
    await azurite?.stop();
  });

  it("uploads a PNG straight to the container, and the agent's answer carries its SHA-256", async () => {
    await openChat(`${origin}/`);
    await page.setInputFiles("#file", { name: "photo.png", mimeType: "image/png", buffer: Buffer.from(png) });
    await expect.poll(() => page.locator(".attachment").first().getAttribute("data-state"), { timeout: 15_000 }).toBe("ready");
    expect(putHosts).toContain(new URL(azurite.endpoint).host);
    await page.fill("#metadata", "mock_scenario=media");
    await page.fill("#input", "what is this?");
    await page.click("#send");
    await expect.poll(() => page.locator(".msg.assistant[data-done=true]").last().textContent(), { timeout: 20_000 }).toContain(sha256(png));
    const href = await page.locator(".msg.user a").last().getAttribute("href");
    expect(new Uint8Array(await (await fetch(new URL(href ?? "", origin))).arrayBuffer())).toEqual(png);
  });

  it("fails the upload from an origin the account's CORS rule does not allow, and says so", async () => {
    await openChat(`${origin.replace("127.0.0.1", "localhost")}/`);
    await page.setInputFiles("#file", { name: "photo.png", mimeType: "image/png", buffer: Buffer.from(png) });
    await expect.poll(() => page.locator(".attachment").first().getAttribute("data-state"), { timeout: 15_000 }).toBe("refused");
    expect(await page.locator(".attachment").first().textContent()).toContain("CORS");
  });
});
