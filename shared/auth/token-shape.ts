// How a bearer token is told apart: a JWT has the shape of a compact JWS, an API key does not
// (client-key-secret.ts refuses keys of that shape so the two can never be confused).

/** Three base64url parts, the last (the signature) possibly empty, as in an `alg: none` token. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}
