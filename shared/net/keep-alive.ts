// How long the servers keep an idle HTTP/1.1 connection. Node's default (5 s) is shorter than the
// idle pools of the clients in front of them (workerd's, nginx's upstream keepalive at 60 s, cloud
// load balancers at 60 s), so a client would send a request down a connection the server is just
// closing ("Network connection lost" at the edge, 502 at an ingress). The server must outlast them.
export const KEEP_ALIVE_MS = 65_000;

/** Sets a Node HTTP server's idle keep-alive (and the headers timeout, which must be longer). */
export function outlastClientPools(server: { keepAliveTimeout: number; headersTimeout: number }): void {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
}
