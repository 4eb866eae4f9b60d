// Preloaded (`node --import`) into servers the tests start that have no host option (the reference
// MCP server's HTTP modes listen on every interface): a listen given only a port binds 127.0.0.1.
import net from "node:net";

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const portOnly = (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) && (args.length === 1 || typeof args[1] === "function");
  if (portOnly) args.splice(1, 0, "127.0.0.1");
  return listen.apply(this, args);
};
