// The runtime process: `node --import tsx runtime/main.ts`. Configuration comes from OMNIA_*
// variables (runtime/config.ts); SIGTERM or SIGINT drains turns in flight, then exits 0.
import { ConfigError, loadRuntimeConfig, type RuntimeConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { startRuntime, type RunningRuntime } from "./start-runtime.js";

async function main(): Promise<void> {
  let config: RuntimeConfig;
  try {
    config = loadRuntimeConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`runtime: ${err.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel, config.agentName);

  let runtime: RunningRuntime;
  try {
    runtime = await startRuntime(config, logger);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logger.fatal({ err }, "runtime failed to start");
    process.stderr.write(`runtime: ${message}\n`);
    process.exit(1);
  }

  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "shutting down");
    runtime.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

await main();
