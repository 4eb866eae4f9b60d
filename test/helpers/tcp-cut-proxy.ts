// A TCP proxy on 127.0.0.1 in front of a server, for tests of what a client does when the network
// fails: `cut()` drops every connection open at that moment (no WebSocket close frame, as a network
// failure would), `refuse()` drops new connections as they arrive, `retarget()` sends new connections
// to another server (a session that "moved" to a replica that does not know it), `stall()` loses
// what clients send (a message that never arrives).
import { connect, createServer, type Socket } from "node:net";

export interface CutProxy {
  port: number;
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** Connections accepted so far, including refused ones. */
  readonly accepted: number;
  /** Connections forwarded and still open. */
  readonly open: number;
  /** Drops every open connection at once; returns how many it dropped. */
  cut(): number;
  /** While on, each new connection is dropped as soon as it is accepted. */
  refuse(on: boolean): void;
  /** While on, bytes from clients are dropped instead of forwarded (the network loses them). */
  stall(on: boolean): void;
  /** New connections go to this port from now on (open ones stay where they are). */
  retarget(port: number): void;
  close(): Promise<void>;
}

export async function startCutProxy(targetPort: number): Promise<CutProxy> {
  let target = targetPort;
  let refusing = false;
  let stalling = false;
  let accepted = 0;
  const pairs = new Set<[Socket, Socket]>();

  const server = createServer((client) => {
    accepted++;
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: "127.0.0.1", port: target });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    // Not pipe(): a stalled network must be able to lose bytes mid-stream.
    client.on("data", (bytes: Buffer) => {
      if (!stalling) upstream.write(bytes);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the cut proxy has no TCP address");

  const cut = () => {
    const dropped = pairs.size;
    for (const [client, upstream] of [...pairs]) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
    return dropped;
  };

  return {
    port: address.port,
    url: `http://127.0.0.1:${address.port}/`,
    get accepted() {
      return accepted;
    },
    get open() {
      return pairs.size;
    },
    cut,
    refuse(on) {
      refusing = on;
    },
    stall(on) {
      stalling = on;
    },
    retarget(port) {
      target = port;
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
