// A local OIDC issuer for tests: an HTTP server on 127.0.0.1 serving discovery
// (`/.well-known/openid-configuration`) and a JWKS (`/jwks`), and signing tokens with its keys
// (RS256 or ES256, through jose). Keys can be made without publishing them, published, and
// retired, so a test can rotate keys mid-run and watch a verifier pick up the new kid. It also
// makes the tokens an attacker would try: unsigned (`alg: none`) and HS256 keyed with the public key.
import { createServer, type ServerResponse } from "node:http";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";

export type IssuerAlgorithm = "RS256" | "ES256";

export interface TokenOptions {
  /** Key to sign with (default: the newest published key). */
  kid?: string;
  /** Seconds from now (negative: already expired). Default 300. `null`: no exp claim. */
  expiresIn?: number | null;
  /** Seconds from now before which the token is not valid. */
  notBefore?: number;
  /** Default: this issuer. */
  issuer?: string;
  /** Default: `omnia`. */
  audience?: string | string[];
}

export interface OidcIssuer {
  /** `http://127.0.0.1:<port>`: the issuer URL, as tokens name it. */
  url: string;
  /** How many times the JWKS was fetched. */
  readonly jwksFetches: number;
  /** Makes a key; published (in the JWKS) unless `publish: false`. Returns its kid. */
  createKey(alg?: IssuerAlgorithm, opts?: { publish?: boolean }): Promise<string>;
  publish(kid: string): void;
  /** Takes a key out of the JWKS (tokens it signed no longer verify after a refetch). */
  retire(kid: string): void;
  /** Replaces every published key with a new one; returns the new kid. */
  rotate(alg?: IssuerAlgorithm): Promise<string>;
  /** A signed JWT with `sub` and the given claims. */
  sign(claims: JWTPayload, opts?: TokenOptions): Promise<string>;
  /** The same claims with `alg: none` and no signature. */
  unsigned(claims: JWTPayload): string;
  /** A token signed HS256 with the PEM of a published RSA key's public half as the HMAC secret. */
  signHs256WithPublicKey(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

interface IssuerKey {
  kid: string;
  alg: IssuerAlgorithm;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
  published: boolean;
}

export const TEST_AUDIENCE = "omnia";

export async function startOidcIssuer(): Promise<OidcIssuer> {
  const keys: IssuerKey[] = [];
  let jwksFetches = 0;
  let url = "";

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://issuer").pathname;
    if (req.method === "GET" && path === "/.well-known/openid-configuration") {
      return json(res, { issuer: url, jwks_uri: `${url}/jwks`, id_token_signing_alg_values_supported: ["RS256", "ES256"] });
    }
    if (req.method === "GET" && path === "/jwks") {
      jwksFetches++;
      return json(res, { keys: keys.filter((k) => k.published).map((k) => k.jwk) });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the OIDC issuer has no TCP address");
  url = `http://127.0.0.1:${address.port}`;

  const createKey = async (alg: IssuerAlgorithm = "RS256", opts: { publish?: boolean } = {}) => {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const kid = `${alg.toLowerCase()}-${keys.length + 1}-${crypto.randomUUID().slice(0, 8)}`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
    keys.push({ kid, alg, privateKey, publicKey, jwk, published: opts.publish ?? true });
    return kid;
  };
  const find = (kid: string) => {
    const key = keys.find((k) => k.kid === kid);
    if (!key) throw new Error(`the test issuer has no key ${kid}`);
    return key;
  };
  const newestPublished = () => {
    const key = keys.findLast((k) => k.published);
    if (!key) throw new Error("the test issuer has no published key: call createKey() first");
    return key;
  };
  const payload = (claims: JWTPayload) => ({ sub: "user-1", ...claims });

  return {
    url,
    get jwksFetches() {
      return jwksFetches;
    },
    createKey,
    publish: (kid) => void (find(kid).published = true),
    retire: (kid) => void (find(kid).published = false),
    async rotate(alg) {
      for (const key of keys) key.published = false;
      return createKey(alg);
    },
    async sign(claims, opts = {}) {
      const key = opts.kid ? find(opts.kid) : newestPublished();
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT(payload(claims))
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
        .setIssuedAt(now)
        .setIssuer(opts.issuer ?? url)
        .setAudience(opts.audience ?? TEST_AUDIENCE);
      if (opts.expiresIn !== null) jwt.setExpirationTime(now + (opts.expiresIn ?? 300));
      if (opts.notBefore !== undefined) jwt.setNotBefore(now + opts.notBefore);
      return jwt.sign(key.privateKey);
    },
    unsigned(claims) {
      const now = Math.floor(Date.now() / 1000);
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
      return `${part({ alg: "none", typ: "JWT" })}.${part({ iss: url, aud: TEST_AUDIENCE, iat: now, exp: now + 300, ...payload(claims) })}.`;
    },
    async signHs256WithPublicKey(claims) {
      const key = keys.findLast((k) => k.published && k.alg === "RS256");
      if (!key) throw new Error("the test issuer has no published RS256 key");
      const secret = new TextEncoder().encode(await exportSPKI(key.publicKey));
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(payload(claims))
        .setProtectedHeader({ alg: "HS256", kid: key.kid, typ: "JWT" })
        .setIssuedAt(now)
        .setIssuer(url)
        .setAudience(TEST_AUDIENCE)
        .setExpirationTime(now + 300)
        .sign(secret);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}
