// `spendgate serve` options with their defaults (README "CLI").
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { locateConfig } from '../config/locate.js';

export interface ServeOptions {
  readonly configPath: string;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** PostgreSQL URL; undefined = the embedded sql.js store (unless the config names one). */
  readonly storeUrl?: string;
  readonly allowRemote: boolean;
  readonly maxBodyBytes: number;
  readonly maxInFlight: number;
  /** How long shutdown waits for in-flight requests. */
  readonly drainMs: number;
  /** Alert delivery at test scale (hidden flags; production uses the defaults of proxy/alerts/delivery.ts). */
  readonly alertDelivery: { readonly retryBaseMs?: number; readonly maxAttempts?: number };
}

export interface ServeFlags {
  readonly config?: string;
  readonly port?: string;
  readonly host?: string;
  readonly 'data-dir'?: string;
  readonly store?: string;
  readonly 'allow-remote'?: boolean;
  readonly 'max-body-bytes'?: string;
  readonly 'max-in-flight'?: string;
  /** Hidden, for tests: the first alert retry's delay ceiling in ms. */
  readonly 'alert-retry-base-ms'?: string;
  /** Hidden, for tests: attempts before an alert delivery is dead. */
  readonly 'alert-max-attempts'?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${flag} must be a positive integer, got "${text}"`);
  return n;
}

export function resolveServeOptions(flags: ServeFlags, env: NodeJS.ProcessEnv, cwd: string): ServeOptions {
  const configPath = locateConfig({ explicit: flags.config, env, cwd });
  if (!configPath) throw new Error('no config: pass --config FILE, set SPENDGATE_CONFIG, or add bifrost.yaml to this folder or a parent');
  const portText = flags.port ?? env.SPENDGATE_PORT ?? '8080';
  const port = Number(portText);
  // 0 asks the OS for a free port (tests, side-by-side gateways); the listening line says which.
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, got "${portText}"`);
  const host = flags.host ?? '127.0.0.1';
  const allowRemote = flags['allow-remote'] === true;
  if (!LOOPBACK.has(host) && !allowRemote) {
    throw new Error(`--host ${host} exposes the gateway beyond this machine; add --allow-remote if that is intended`);
  }
  return {
    configPath: resolve(cwd, configPath),
    port,
    host,
    dataDir: resolve(cwd, flags['data-dir'] ?? env.SPENDGATE_HOME ?? join(homedir(), '.spendgate')),
    storeUrl: flags.store ?? env.SPENDGATE_DATABASE_URL,
    allowRemote,
    maxBodyBytes: positiveInt(flags['max-body-bytes'] ?? String(32 * 1024 * 1024), 'max-body-bytes'),
    maxInFlight: positiveInt(flags['max-in-flight'] ?? '1024', 'max-in-flight'),
    drainMs: 30_000,
    alertDelivery: {
      ...(flags['alert-retry-base-ms'] !== undefined && { retryBaseMs: positiveInt(flags['alert-retry-base-ms'], 'alert-retry-base-ms') }),
      ...(flags['alert-max-attempts'] !== undefined && { maxAttempts: positiveInt(flags['alert-max-attempts'], 'alert-max-attempts') }),
    },
  };
}
