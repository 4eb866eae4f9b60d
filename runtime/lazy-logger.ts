// A child logger that is made on the first line it actually writes. pino's child() serializes its
// bindings up front (a few µs), and a Converse call would make three of them (call, session, turn)
// although at the usual levels a turn that goes well writes no line at all.
import type { Bindings, Level, Logger } from "pino";

export class LazyLogger {
  private logger: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
  ) {}

  child(bindings: Bindings): LazyLogger {
    return new LazyLogger(this.parent, { ...this.bindings, ...bindings });
  }

  info(fieldsOrMessage: object | string, message?: string): void {
    this.write("info", fieldsOrMessage, message);
  }

  warn(fieldsOrMessage: object | string, message?: string): void {
    this.write("warn", fieldsOrMessage, message);
  }

  error(fieldsOrMessage: object | string, message?: string): void {
    this.write("error", fieldsOrMessage, message);
  }

  private write(level: Level, fieldsOrMessage: object | string, message: string | undefined): void {
    if (!this.parent.isLevelEnabled(level)) return;
    this.logger ??= this.parent.child(this.bindings);
    if (typeof fieldsOrMessage === "string") this.logger[level](fieldsOrMessage);
    else this.logger[level](fieldsOrMessage, message);
  }
}
