// Azure without an account key: SAS signed with a user delegation key obtained with a token
// credential (managed or workload identity in a cluster). Against Azurite with OAuth over HTTPS;
// this file's worker trusts Azurite's self-signed certificate.
import { randomBytes } from "node:crypto";
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import type { TokenCredential } from "@azure/core-auth";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { azureCorsRule, azuriteBearerToken, startAzurite, type AzuriteServer } from "../../test/helpers/media-servers/azurite.js";
import { AzureMediaStorage } from "./azure-media-storage.js";
import { describeCloudMediaStorageContract, putBytes } from "./cloud-media-storage.contract.js";

const ALLOWED_ORIGIN = "http://chat.allowed.test";
const OID = "11111111-2222-4333-8444-555555555555";
const TID = "66666666-7777-4888-9999-000000000000";
let azurite: AzuriteServer;
let storage: AzureMediaStorage;
let tokensIssued = 0;
const credential: TokenCredential = {
  getToken: async () => {
    tokensIssued++;
    return azuriteBearerToken(OID, TID);
  },
};

beforeAll(async () => {
  azurite = await startAzurite({ oauth: true });
  setDefaultCACertificates([...getCACertificates("default"), azurite.certificate ?? ""]);
  const service = new BlobServiceClient(azurite.endpoint, new StorageSharedKeyCredential(azurite.account, azurite.key));
  await service.getContainerClient("media").create();
  await service.setProperties({ cors: [azureCorsRule([ALLOWED_ORIGIN])] });
  storage = new AzureMediaStorage({ account: azurite.account, container: "media", prefix: "omnia", credential, endpoint: azurite.endpoint });
}, 30_000);
afterAll(async () => {
  await azurite?.stop();
});

describeCloudMediaStorageContract("azure (user delegation SAS)", () => ({
  storage,
  pathOf: (object) => `/${azurite.account}/media/omnia/${object.sessionId}/${object.mediaId}`,
  createdStatus: 201,
  corsAllowedOrigin: ALLOWED_ORIGIN,
}));

describe("AzureMediaStorage (user delegation SAS)", () => {
  it("signs for the identity of the token credential, and a SAS claiming another identity fails", async () => {
    const object = { sessionId: "session-1", mediaId: "media-1" };
    const bytes = randomBytes(1_500);
    const upload = await storage.presignUpload({ object, uploadId: "u", mimeType: "video/mp4", sizeBytes: bytes.length, expiresInMs: 60_000 });
    const sas = new URL(upload.url).searchParams;
    expect([sas.get("skoid"), sas.get("sktid"), sas.get("sp")]).toEqual([OID, TID, "cw"]);
    expect(tokensIssued).toBeGreaterThan(0);

    expect((await putBytes(upload.url, upload.headers, bytes)).status).toBe(201);
    const download = await storage.presignDownload(object, { expiresInMs: 60_000 });
    expect(Buffer.from(await (await fetch(download.url)).arrayBuffer()).equals(bytes)).toBe(true);

    // A SAS claiming another identity's delegation key does not verify.
    const forged = new URL(download.url);
    forged.searchParams.set("skoid", "99999999-2222-4333-8444-555555555555");
    expect((await fetch(forged)).status).toBe(403);
  });
});
