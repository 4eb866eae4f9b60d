import { readFileSync } from "node:fs";
import { createServer } from "node:net";

// A port from listen(0) comes from the kernel's ephemeral range, the same range every outgoing
// connection takes its local port from: between our check and the real bind, another process's
// connection could take it (EADDRINUSE at start-up, seen in the suite). Ports are therefore
// picked at random below that range, checked free, and never handed out twice by one process.
const LOWEST = 20_000;
const ATTEMPTS = 50;
const handedOut = new Set<number>();

/** A TCP port on 127.0.0.1 that was free a moment ago, outside the range outgoing connections use. */
export async function freePort(): Promise<number> {
  const below = ephemeralRangeStart();
  for (let attempt = 0; attempt < ATTEMPTS && below - LOWEST > ATTEMPTS; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (below - LOWEST));
    if (handedOut.has(port)) continue;
    // Reserved before the check, so concurrent callers in this process never get the same one.
    handedOut.add(port);
    if (await listens(port)) return port;
    handedOut.delete(port);
  }
  return anyPort();
}

/** The first port of the kernel's ephemeral range (Linux); 32768, the usual one, elsewhere. */
function ephemeralRangeStart(): number {
  try {
    const first = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 0 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

function listens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function anyPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
