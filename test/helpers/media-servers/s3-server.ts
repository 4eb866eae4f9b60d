// An S3 server for tests that verifies SigV4 signatures and expiry: @20minutes/s3rver, in this
// process, on 127.0.0.1 and a free port, with one bucket made (and its CORS rule set) through
// configureBuckets, since SDK bucket calls fail against it. Its credentials are its built-in ones.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "@20minutes/s3rver";

export interface S3Server {
  /** http://127.0.0.1:port (path-style endpoint). */
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  stop(): Promise<void>;
}

/** A CORS rule letting `origins` PUT and GET with any header, as the README tells users to set. */
export function corsRule(origins: readonly string[]): string {
  const allowed = origins.map((origin) => `<AllowedOrigin>${origin}</AllowedOrigin>`).join("");
  return `<CORSConfiguration><CORSRule>${allowed}<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}

export async function startS3Server(opts: { bucket?: string; corsOrigins?: readonly string[] } = {}): Promise<S3Server> {
  const bucket = opts.bucket ?? "media";
  const directory = mkdtempSync(join(tmpdir(), "omnia-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket, configs: opts.corsOrigins ? [corsRule(opts.corsOrigins)] : [] }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    region: "us-east-1",
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
