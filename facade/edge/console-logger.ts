// The core's Logger at the edge: one JSON line per entry on the console, which Workers collect
// (`wrangler tail`, Logpush). Debug entries are dropped unless asked for.
import type { Logger } from "../core/logger.js";

export function consoleLogger(base: Record<string, unknown>, debug = false): Logger {
  const write = (level: string, fields: object, message: string) =>
    console.log(JSON.stringify({ level, time: new Date().toISOString(), ...base, ...fields, msg: message }));
  return {
    debug: (fields, message) => {
      if (debug) write("debug", fields, message);
    },
    info: (fields, message) => write("info", fields, message),
    warn: (fields, message) => write("warn", fields, message),
    error: (fields, message) => write("error", fields, message),
  };
}
