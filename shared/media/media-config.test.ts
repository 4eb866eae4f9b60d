import { describe, expect, it } from "vitest";
import { MediaConfigError, parseMediaConfig } from "./media-config.js";

describe("parseMediaConfig (OMNIA_MEDIA_* variables)", () => {
  it("is off (type none) with the reference's defaults when nothing is set", () => {
    expect(parseMediaConfig({})).toEqual({
      storage: { type: "none" },
      limits: {
        maxFileSizeBytes: 104_857_600,
        mediaTtlMs: 86_400_000,
        uploadUrlTtlMs: 900_000,
        downloadUrlTtlMs: 3_600_000,
        allowedMimeTypes: ["image/*", "audio/*", "video/*", "application/pdf", "text/plain"],
      },
    });
  });

  it("reads local storage with its path default, limits and Go durations", () => {
    const config = parseMediaConfig({
      OMNIA_MEDIA_STORAGE_TYPE: "local",
      OMNIA_MEDIA_STORAGE_BASE_URL: "https://agent.example.com/",
      OMNIA_MEDIA_MAX_FILE_SIZE: "1048576",
      OMNIA_MEDIA_DEFAULT_TTL: "1h30m",
      OMNIA_MEDIA_UPLOAD_URL_TTL: "5m",
      OMNIA_MEDIA_DOWNLOAD_URL_TTL: "",
    });
    expect(config.storage).toEqual({ type: "local", path: "/var/lib/omnia/media", baseUrl: "https://agent.example.com" });
    expect(config.limits).toMatchObject({ maxFileSizeBytes: 1_048_576, mediaTtlMs: 5_400_000, uploadUrlTtlMs: 300_000, downloadUrlTtlMs: 3_600_000 });
  });

  it("reads each cloud backend from its variables", () => {
    expect(
      parseMediaConfig({
        OMNIA_MEDIA_STORAGE_TYPE: "s3",
        OMNIA_MEDIA_S3_BUCKET: "media",
        OMNIA_MEDIA_S3_ENDPOINT: "http://minio:9000",
        OMNIA_MEDIA_S3_PREFIX: "agents/a",
        AWS_ACCESS_KEY_ID: "id",
        AWS_SECRET_ACCESS_KEY: "secret",
      }).storage,
    ).toEqual({ type: "s3", bucket: "media", region: "us-east-1", prefix: "agents/a", endpoint: "http://minio:9000", credentials: { accessKeyId: "id", secretAccessKey: "secret" } });
    expect(parseMediaConfig({ OMNIA_MEDIA_STORAGE_TYPE: "gcs", OMNIA_MEDIA_GCS_BUCKET: "b", GOOGLE_APPLICATION_CREDENTIALS: "/var/run/key.json" }).storage).toEqual({
      type: "gcs",
      bucket: "b",
      prefix: "",
      keyFilename: "/var/run/key.json",
    });
    expect(parseMediaConfig({ OMNIA_MEDIA_STORAGE_TYPE: "azure", OMNIA_MEDIA_AZURE_ACCOUNT: "acct", OMNIA_MEDIA_AZURE_CONTAINER: "media" }).storage).toEqual({
      type: "azure",
      account: "acct",
      container: "media",
      prefix: "",
    });
  });

  it("takes the allowed types from the agent's console settings", () => {
    expect(parseMediaConfig({}, { allowedMimeTypes: ["image/png", "application/*"] }).limits.allowedMimeTypes).toEqual(["image/png", "application/*"]);
  });

  it("names every bad variable in one error", () => {
    const attempt = () =>
      parseMediaConfig({ OMNIA_MEDIA_STORAGE_TYPE: "s3", OMNIA_MEDIA_MAX_FILE_SIZE: "100MiB", OMNIA_MEDIA_DEFAULT_TTL: "a day", OMNIA_MEDIA_S3_ENDPOINT: "minio" });
    expect(attempt).toThrow(MediaConfigError);
    expect(attempt).toThrow(
      [
        "invalid media configuration:",
        '  OMNIA_MEDIA_MAX_FILE_SIZE: must be a whole number of bytes, got "100MiB"',
        '  OMNIA_MEDIA_DEFAULT_TTL: "a day" is not a duration (expected forms like 24h, 30s, 1m30s, 500ms)',
        "  OMNIA_MEDIA_S3_BUCKET: required",
        '  OMNIA_MEDIA_S3_ENDPOINT: must be a URL, got "minio"',
      ].join("\n"),
    );
    expect(() => parseMediaConfig({ OMNIA_MEDIA_STORAGE_TYPE: "ftp" })).toThrow('OMNIA_MEDIA_STORAGE_TYPE: must be one of none, local, s3, gcs, azure, got "ftp"');
    expect(() => parseMediaConfig({ OMNIA_MEDIA_STORAGE_TYPE: "s3", OMNIA_MEDIA_S3_BUCKET: "b", AWS_ACCESS_KEY_ID: "id" })).toThrow(/set both or neither/);
    expect(() => parseMediaConfig({}, { allowedMimeTypes: ["images"] })).toThrow('allowed attachment type "images" is not a MIME type or a wildcard like image/*');
  });
});
