/**
 * RedisConfig: a server's configuration, keyed by Redis's own option names (CONTRACTS §5), with
 * 7.0.15's defaults (config.c). Yes/no options are booleans; sizes are bytes; times carry the
 * unit Redis uses for that option (the name's suffix in the comment).
 */
export interface RedisConfig {
  /** ms (`cluster-node-timeout`). */
  readonly "cluster-node-timeout": number;
  /** multiples of the node timeout; 0 disables the data-age check. */
  readonly "cluster-replica-validity-factor": number;
  readonly "cluster-migration-barrier": number;
  readonly "cluster-require-full-coverage": boolean;
  readonly "cluster-replica-no-failover": boolean;
  readonly "cluster-allow-reads-when-down": boolean;
  readonly "cluster-allow-replica-migration": boolean;
  /** seconds. */
  readonly "repl-ping-replica-period": number;
  /** seconds. */
  readonly "repl-timeout": number;
  /** bytes. */
  readonly "repl-backlog-size": number;
  /** seconds a master keeps its backlog with no replica attached. */
  readonly "repl-backlog-ttl": number;
  readonly "min-replicas-to-write": number;
  /** seconds. */
  readonly "min-replicas-max-lag": number;
  readonly "replica-priority": number;
  readonly appendonly: boolean;
  /** Whether the dataset is snapshotted (RDB) on SHUTDOWN and restored at start. */
  readonly "save-on-shutdown": boolean;
  /** seconds SHUTDOWN waits for lagging replicas (7.0). */
  readonly "shutdown-timeout": number;
  readonly hz: number;
  /** Not a Redis option: switches that break Redis on purpose (see TestHooks). Absent unless a test set one. */
  readonly testHooks?: TestHooks;
}

/**
 * Deliberate breaks of Redis's rules, so that tests can prove the checkers catch a broken
 * simulator. No scenario file, CLI flag or `redisConfig` override can set them (they are not
 * options and not in REDIS_CONFIG_KEYS); only code can, through `runScenario`'s `testHooks`.
 */
export interface TestHooks {
  /** A master may grant more than one failover vote per epoch (breaks cluster.c:clusterSendFailoverAuthIfNeeded's "one vote per epoch"). */
  readonly voteTwicePerEpoch?: boolean;
}

export const REDIS_DEFAULTS: RedisConfig = {
  "cluster-node-timeout": 15_000,
  "cluster-replica-validity-factor": 10,
  "cluster-migration-barrier": 1,
  "cluster-require-full-coverage": true,
  "cluster-replica-no-failover": false,
  "cluster-allow-reads-when-down": false,
  "cluster-allow-replica-migration": true,
  "repl-ping-replica-period": 10,
  "repl-timeout": 60,
  "repl-backlog-size": 1024 * 1024,
  "repl-backlog-ttl": 3600,
  "min-replicas-to-write": 0,
  "min-replicas-max-lag": 10,
  "replica-priority": 100,
  appendonly: false,
  "save-on-shutdown": true,
  "shutdown-timeout": 10,
  hz: 10,
};

/** The Redis options (what files, flags and CONFIG name); the test hooks are not one. */
export type RedisConfigKey = Exclude<keyof RedisConfig, "testHooks">;

export const REDIS_CONFIG_KEYS = Object.keys(REDIS_DEFAULTS) as RedisConfigKey[];

/**
 * Fills in the defaults; refuses an option this simulator does not know, naming the known ones.
 * `testHooks`, from code only, are attached as given.
 */
export function redisConfig(overrides: Partial<Record<string, unknown>> = {}, testHooks?: TestHooks): RedisConfig {
  const config: Record<string, unknown> = { ...REDIS_DEFAULTS };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in REDIS_DEFAULTS)) throw new RangeError(`unknown Redis option "${key}" (known: ${REDIS_CONFIG_KEYS.join(", ")})`);
    const expected = typeof REDIS_DEFAULTS[key as RedisConfigKey];
    if (typeof value !== expected) throw new RangeError(`Redis option "${key}" wants a ${expected}, got ${JSON.stringify(value)}`);
    config[key] = value;
  }
  if (testHooks !== undefined) config["testHooks"] = testHooks;
  return config as unknown as RedisConfig;
}
