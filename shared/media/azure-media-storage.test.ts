// Against Azurite, which checks SAS signatures, permissions and expiry, and CORS set with setProperties.
import { randomBytes } from "node:crypto";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { azureCorsRule, startAzurite, type AzuriteServer } from "../../test/helpers/media-servers/azurite.js";
import { AzureMediaStorage } from "./azure-media-storage.js";
import { anObject, describeCloudMediaStorageContract, putBytes as put } from "./cloud-media-storage.contract.js";

const ALLOWED_ORIGIN = "http://chat.allowed.test";
let azurite: AzuriteServer;
let storage: AzureMediaStorage;
beforeAll(async () => {
  azurite = await startAzurite();
  const service = new BlobServiceClient(azurite.endpoint, new StorageSharedKeyCredential(azurite.account, azurite.key));
  await service.getContainerClient("media").create();
  await service.setProperties({ cors: [azureCorsRule([ALLOWED_ORIGIN])] });
  storage = new AzureMediaStorage({ account: azurite.account, key: azurite.key, container: "media", prefix: "omnia-media", endpoint: azurite.endpoint });
}, 30_000);
afterAll(async () => {
  await azurite?.stop();
});

describeCloudMediaStorageContract("azure (account key SAS)", () => ({
  storage,
  pathOf: (object) => `/${azurite.account}/media/omnia-media/${object.sessionId}/${object.mediaId}`,
  createdStatus: 201,
  corsAllowedOrigin: ALLOWED_ORIGIN,
}));

describe("AzureMediaStorage (account key SAS)", () => {
  it("binds the permissions: an upload URL cannot read, a download URL cannot write", async () => {
    const object = anObject();
    const upload = await storage.presignUpload({ object, uploadId: "u", mimeType: "image/png", sizeBytes: 4, expiresInMs: 60_000 });
    expect((await put(upload.url, upload.headers, randomBytes(4))).status).toBe(201);
    expect((await fetch(upload.url)).status).toBe(403);
    const download = await storage.presignDownload(object, { expiresInMs: 60_000 });
    expect((await put(download.url, upload.headers, randomBytes(4))).status).toBe(403);
  });

  it("refuses a URL whose signature was tampered with", async () => {
    const object = anObject();
    const upload = await storage.presignUpload({ object, uploadId: "u", mimeType: "image/png", sizeBytes: 4, expiresInMs: 60_000 });
    const url = new URL(upload.url);
    // Stretching the expiry by a year breaks the signature over it.
    url.searchParams.set("se", `${Number(url.searchParams.get("se")?.slice(0, 4)) + 1}${url.searchParams.get("se")?.slice(4)}`);
    const res = await put(url.toString(), upload.headers, randomBytes(4));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("failed to authenticate");
    expect(await storage.stat(object)).toBeNull();
  });

  it("does not bind type or length (SAS cannot): the store keeps what was sent, for the confirm to check", async () => {
    const object = anObject();
    const upload = await storage.presignUpload({ object, uploadId: "u", mimeType: "image/png", sizeBytes: 4, expiresInMs: 60_000 });
    expect((await put(upload.url, { ...upload.headers, "Content-Type": "text/html" }, randomBytes(9))).status).toBe(201);
    expect(await storage.stat(object)).toEqual({ sizeBytes: 9, mimeType: "text/html" });
  });

  it("needs an account key or a token credential", () => {
    expect(() => new AzureMediaStorage({ account: "acct", container: "media", prefix: "" })).toThrow(/set OMNIA_MEDIA_AZURE_KEY, or give a token credential/);
  });
});
