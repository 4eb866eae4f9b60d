// The S3-compatible server `npm run start:edge` embeds as its media default (a Worker has no disk,
// so the local backend cannot serve there): @20minutes/s3rver on 127.0.0.1, keeping objects
// under the state directory, its bucket's CORS rule allowing the edge's own origins (the chat page
// PUTs straight to it). The runtime and the Worker get the same OMNIA_MEDIA_* variables.
import { mkdirSync } from "node:fs";
import S3rver from "@20minutes/s3rver";

export interface EmbeddedS3 {
  endpoint: string;
  /** OMNIA_MEDIA_* and the AWS keys (s3rver's built-in pair) for the Worker and the runtime. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const BUCKET = "omnia-media";

export async function startEmbeddedS3(opts: { directory: string; origins: readonly string[] }): Promise<EmbeddedS3> {
  mkdirSync(opts.directory, { recursive: true });
  const allowed = opts.origins.map((origin) => `<AllowedOrigin>${origin}</AllowedOrigin>`).join("");
  const cors = `<CORSConfiguration><CORSRule>${allowed}<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: opts.directory, vhostBuckets: false, configureBuckets: [{ name: BUCKET, configs: [cors] }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: {
      OMNIA_MEDIA_STORAGE_TYPE: "s3",
      OMNIA_MEDIA_S3_BUCKET: BUCKET,
      OMNIA_MEDIA_S3_ENDPOINT: endpoint,
      OMNIA_MEDIA_S3_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
    },
    stop: () => server.close(),
  };
}
