// Node facade entry: `node --import tsx facade/node/main.ts`. SIGTERM drains, then exits.
import pino from "pino";
import { AuthConfigError, ClientKeySecretError } from "../../shared/auth/index.js";
import { MediaConfigError } from "../../shared/media/media-config.js";
import { ConfigError, loadNodeFacadeConfig } from "./config.js";
import { startNodeFacade } from "./start-node-facade.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadNodeFacadeConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof MediaConfigError) {
      console.error(`omnia facade: configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel, base: { component: "facade" } });
  let running;
  try {
    running = await startNodeFacade(config, logger);
  } catch (err) {
    if (err instanceof AuthConfigError || err instanceof ClientKeySecretError) {
      console.error(`omnia facade: configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  logger.info(
    { host: config.host, port: running.port, health_port: running.healthPort, agents: config.agents.map((a) => `${a.namespace}/${a.name}`), auth: running.authNote },
    `facade listening (${running.authNote})`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "draining");
    running.shutdown().then(
      () => {
        logger.info({}, "facade stopped");
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err: String(err) }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

void main();
