// pretest: the suite runs against a real redis-server and a real Chromium. This installs the
// Debian packages that are missing (apt-get, as root) and says so; it does nothing when both exist.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const needed = [
  { pkg: "redis-server", binary: "/usr/bin/redis-server" },
  { pkg: "chromium", binary: "/usr/bin/chromium" },
  // Self-signed certificates for the TLS cases (gRPC tools, Azurite over HTTPS).
  { pkg: "openssl", binary: "/usr/bin/openssl" },
];
const missing = needed.filter((n) => !existsSync(n.binary)).map((n) => n.pkg);
if (missing.length > 0) {
  console.log(`pretest: installing missing system packages with apt-get: ${missing.join(", ")}`);
  const run = (args) => execFileSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  try {
    run(["update", "-qq"]);
    run(["install", "-y", "-qq", "--no-install-recommends", ...missing]);
  } catch (err) {
    console.error(`pretest: could not install ${missing.join(", ")} (needs root and Debian's apt repositories): ${err.message}`);
    process.exit(1);
  }
}
