// The runtime's structured log: one JSON line per event on stdout.
import { pino, type Logger } from "pino";
import type { LogLevel } from "./config.js";

export function createLogger(level: LogLevel, agentName: string): Logger {
  return pino({ level, base: { component: "runtime", agent: agentName }, timestamp: pino.stdTimeFunctions.isoTime });
}
