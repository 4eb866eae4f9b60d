// The structured logger the core writes to; pino satisfies it in Node, a console shim at the edge.
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
