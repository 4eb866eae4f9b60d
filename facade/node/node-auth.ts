// The Node facade's authentication, assembled from its configuration: the start-up rule (no open
// agent beyond loopback unless OMNIA_AUTH=none), one Authenticator and IdentityLimiter per agent
// with auth, API keys from the mounted Secret kept current, and tickets and session owners in the
// shared Redis when the facade has one (any replica redeems a ticket), else in this process.
import { Authenticator, checkListenerAuth, IdentityLimiter, type TicketStore } from "../../shared/auth/index.js";
import { RedisTicketStore } from "../../shared/auth/redis-ticket-store.js";
import { FailFastRedis } from "../../shared/redis/fail-fast-redis.js";
import type { Logger } from "../core/logger.js";
import { MemorySessionOwners, TICKET_KEY_PREFIX, type SessionOwners } from "../core/session-owners.js";
import type { AgentAuth } from "../core/upgrade-auth.js";
import { watchKeysDir, type KeysDirWatch } from "./client-keys-dir.js";
import type { NodeFacadeConfig } from "./config.js";
import { RedisSessionOwners } from "./redis-session-owners.js";

export interface NodeAuth {
  /** By agent key (namespace/name); an agent not here is open. */
  agents: Map<string, AgentAuth>;
  owners: SessionOwners;
  /** For the start-up line: which agents are open and why that is allowed. */
  note: string;
  close(): Promise<void>;
}

/** Throws an AuthConfigError (the listener rule, OMNIA_* settings) or a ClientKeySecretError (the mounted Secret). */
export async function startNodeAuth(config: NodeFacadeConfig, logger: Logger): Promise<NodeAuth> {
  const { auth } = config;
  const check = checkListenerAuth(
    config.host,
    [...auth.agents].map(([name, a]) => ({ name, auth: a.settings })),
    auth.omniaAuth,
  );
  const secured = [...auth.agents].filter(([, a]) => a.settings.mode === "required");
  const redis = secured.length > 0 && config.journal.redisUrl ? new FailFastRedis(config.journal.redisUrl) : undefined;
  const owners: SessionOwners = redis ? new RedisSessionOwners(redis, config.journal.ttlMs) : new MemorySessionOwners(config.journal.ttlMs);
  const agents = new Map<string, AgentAuth>();
  const watches: KeysDirWatch[] = [];
  const close = async () => {
    for (const watch of watches) watch.stop();
    await Promise.all([...agents.values()].map((a) => a.authenticator.close()));
    await owners.close();
    await redis?.close();
  };
  try {
    for (const [name, { settings, keysDir }] of secured) {
      const ticketStore: TicketStore | undefined = redis ? new RedisTicketStore(redis) : undefined;
      let replaceKeys: (keys: Parameters<Authenticator["replaceKeys"]>[0]) => Promise<void> = async () => {};
      let watch: KeysDirWatch | undefined;
      if (settings.clientKeys && keysDir) {
        const options = { secretName: settings.clientKeys.secretRef.name, defaultRole: settings.clientKeys.defaultRole, pollMs: auth.keysPollMs, logger, agent: name };
        watch = await watchKeysDir(keysDir, options, (keys) => replaceKeys(keys));
        watches.push(watch);
      }
      const authenticator = await Authenticator.create({
        settings,
        ...(watch ? { clientKeys: watch.initial } : {}),
        ...(ticketStore ? { ticketStore } : {}),
        ...(auth.jwksCooldownMs !== undefined ? { oidcOptions: { jwksCooldownMs: auth.jwksCooldownMs } } : {}),
        ticketKeyPrefix: TICKET_KEY_PREFIX,
      });
      replaceKeys = (keys) => authenticator.replaceKeys(keys);
      agents.set(name, { authenticator, limiter: new IdentityLimiter(settings.limits) });
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { agents, owners, note: check.note, close };
}
