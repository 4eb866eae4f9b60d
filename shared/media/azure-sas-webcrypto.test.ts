// The Web Crypto SAS against Azurite, which checks SAS signatures, permissions and expiry: the same
// contract as the Node adapter, and URLs equal to the ones @azure/storage-blob makes for equal inputs.
import { randomBytes } from "node:crypto";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { azureCorsRule, startAzurite, type AzuriteServer } from "../../test/helpers/media-servers/azurite.js";
import { AzureMediaStorage } from "./azure-media-storage.js";
import { AzureSasMediaStorage } from "./azure-sas-webcrypto.js";
import { anObject, describeCloudMediaStorageContract, putBytes as put } from "./cloud-media-storage.contract.js";

const ALLOWED_ORIGIN = "http://chat.allowed.test";
let azurite: AzuriteServer;
let storage: AzureSasMediaStorage;
beforeAll(async () => {
  azurite = await startAzurite();
  const service = new BlobServiceClient(azurite.endpoint, new StorageSharedKeyCredential(azurite.account, azurite.key));
  await service.getContainerClient("media").create();
  await service.setProperties({ cors: [azureCorsRule([ALLOWED_ORIGIN])] });
  storage = new AzureSasMediaStorage({ account: azurite.account, key: azurite.key, container: "media", prefix: "omnia-media", endpoint: azurite.endpoint });
}, 30_000);
afterAll(async () => {
  await azurite?.stop();
});

describeCloudMediaStorageContract("azure (Web Crypto SAS, fetch)", () => ({
  storage,
  pathOf: (object) => `/${azurite.account}/media/omnia-media/${object.sessionId}/${object.mediaId}`,
  createdStatus: 201,
  corsAllowedOrigin: ALLOWED_ORIGIN,
}));

describe("AzureSasMediaStorage (account key SAS through Web Crypto)", () => {
  it("makes the URLs @azure/storage-blob makes for the same inputs and time", async () => {
    const now = () => Date.UTC(2026, 10, 27, 9, 30, 15, 250);
    const options = { account: azurite.account, key: azurite.key, container: "media", prefix: "omnia-media", endpoint: azurite.endpoint, now };
    const [portable, node] = [new AzureSasMediaStorage(options), new AzureMediaStorage(options)];
    const object = anObject();
    const upload = { object, uploadId: "u", mimeType: "image/png", sizeBytes: 4, expiresInMs: 15 * 60_000 };
    expect(await portable.presignUpload(upload)).toEqual(await node.presignUpload(upload));
    for (const filename of [undefined, "voice note.ogg", "résumé.pdf"]) {
      const opts = { expiresInMs: 3_600_000, ...(filename ? { filename } : {}) };
      expect(await portable.presignDownload(object, opts)).toEqual(await node.presignDownload(object, opts));
    }
  });

  it("refuses a URL whose signature was tampered with, or signed with another key", async () => {
    const object = anObject();
    const upload = await storage.presignUpload({ object, uploadId: "u", mimeType: "image/png", sizeBytes: 4, expiresInMs: 60_000 });
    const url = new URL(upload.url);
    url.searchParams.set("sp", "rcw");
    const res = await put(url.toString(), upload.headers, randomBytes(4));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("failed to authenticate");

    const forged = new AzureSasMediaStorage({ account: azurite.account, key: btoa("not the account key"), container: "media", prefix: "omnia-media", endpoint: azurite.endpoint });
    const other = await forged.presignUpload({ object, uploadId: "u", mimeType: "image/png", sizeBytes: 4, expiresInMs: 60_000 });
    expect((await put(other.url, other.headers, randomBytes(4))).status).toBe(403);
    expect(await storage.stat(object)).toBeNull();
    await expect(forged.stat(object)).rejects.toMatchObject({ kind: "storage_failed", message: expect.stringMatching(/stat failed \(403/) });
  });

  it("names a key that is not base64", async () => {
    const bad = new AzureSasMediaStorage({ account: "acct", key: "not base64!", container: "media", prefix: "" });
    await expect(bad.presignUpload({ object: anObject(), uploadId: "u", mimeType: "image/png", sizeBytes: 4, expiresInMs: 60_000 })).rejects.toThrow(/OMNIA_MEDIA_AZURE_KEY is not base64/);
  });
});
