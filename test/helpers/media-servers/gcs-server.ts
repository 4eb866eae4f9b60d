// A loopback Cloud Storage for tests (no GCS emulator runs here), holding objects in memory:
// - V4 signed URLs (`/{bucket}/{object}`: PUT, GET, HEAD, DELETE), each request checked by the
//   verifier the way GCS checks it, so a PUT of another type or length is refused with 403;
// - the JSON API the Node SDK uses for metadata, downloads and deletes
//   (`/storage/v1/b/{bucket}/o/{object}`, `?alt=media` with the crc32c and md5 hashes GCS sends,
//   which the SDK validates). The SDK sends no credential to a custom endpoint, so these routes
//   check none: they stand for GCS after OAuth.
import { createHash, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { CRC32C } from "@google-cloud/storage";
import { freePort } from "../free-port.js";
import { verifyGcsV4Request } from "./gcs-v4-verifier.js";

export interface GcsServer {
  /** http://127.0.0.1:port: the signed URLs' host and the JSON API's endpoint. */
  endpoint: string;
  /** Objects as `/{bucket}/{object}`. */
  objects: Map<string, StoredObject>;
  /** Set: JSON API downloads send every byte flipped, with the hashes of the stored bytes (damage in transit). */
  damageDownloads: boolean;
  stop(): Promise<void>;
}

interface StoredObject {
  body: Buffer;
  type: string;
}

const JSON_API = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o\/([^/]+)$/;

export async function startGcsServer(publicKey: KeyObject): Promise<GcsServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const objects = new Map<string, StoredObject>();

  const signedUrl = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === "string"));
    const verdict = verifyGcsV4Request({ method: req.method ?? "", url: `${endpoint}${req.url}`, headers }, publicKey);
    if (!verdict.ok) return void res.writeHead(403).end(verdict.reason);
    const path = new URL(req.url ?? "", endpoint).pathname;
    if (req.method === "PUT") return void (objects.set(path, { body, type: headers["content-type"] ?? "" }), res.writeHead(200).end());
    const stored = objects.get(path);
    if (!stored) return void res.writeHead(404).end("No such object");
    if (req.method === "DELETE") return void (objects.delete(path), res.writeHead(204).end());
    res.writeHead(200, { "content-type": stored.type, "content-length": String(stored.body.length) }).end(req.method === "GET" ? stored.body : undefined);
  };

  const jsonApi = (req: IncomingMessage, res: ServerResponse, bucket: string, name: string): void => {
    const path = `/${bucket}/${name}`;
    const stored = objects.get(path);
    if (!stored) return void res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: 404, message: `No such object: ${bucket}/${name}` } }));
    if (req.method === "DELETE") return void (objects.delete(path), res.writeHead(204).end());
    const crc = new CRC32C();
    crc.update(stored.body);
    const crc32c = crc.toString();
    const md5 = createHash("md5").update(stored.body).digest("base64");
    if (new URL(req.url ?? "", endpoint).searchParams.get("alt") === "media") {
      res.writeHead(200, {
        "content-type": stored.type,
        "content-length": String(stored.body.length),
        "x-goog-hash": `crc32c=${crc32c},md5=${md5}`,
        "x-goog-stored-content-encoding": "identity",
      });
      return void res.end(server.damageDownloads ? Buffer.from(stored.body.map((b) => b ^ 0xff)) : stored.body);
    }
    const metadata = { kind: "storage#object", bucket, name, size: String(stored.body.length), contentType: stored.type, crc32c, md5Hash: md5 };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(metadata));
  };

  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const api = JSON_API.exec(new URL(req.url ?? "", endpoint).pathname);
      if (api) return jsonApi(req, res, decodeURIComponent(api[1] ?? ""), decodeURIComponent(api[2] ?? ""));
      signedUrl(req, res, Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => http.listen(port, "127.0.0.1", resolve));
  const server: GcsServer = {
    endpoint,
    objects,
    damageDownloads: false,
    stop: () => new Promise((resolve) => http.close(() => resolve())),
  };
  return server;
}
