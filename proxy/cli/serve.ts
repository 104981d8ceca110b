// `spendgate serve`: run the gateway in the foreground until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { createEventLog } from '../server/event-log.js';
import { startGateway } from '../server/gateway.js';
import { resolveServeOptions, type ServeFlags, type ServeOptions } from '../server/options.js';
import { EXIT, EXIT_CODES_HELP, UsageError, type CliCommand } from './command.js';

const SYNOPSIS = '[--config FILE] [--port N] [--host H] [--data-dir DIR] [--store URL] [--allow-remote]';

const HELP = `usage: spendgate serve ${SYNOPSIS}

Runs the gateway in the foreground. Prints "spendgate listening on http://HOST:PORT" once ready,
one JSON line per event on stderr; SIGINT/SIGTERM drain in-flight requests and flush the store.

  --config FILE      bifrost.yaml to serve (default: $SPENDGATE_CONFIG, else bifrost.yaml here or in a parent)
  --port N           port to listen on (default: $SPENDGATE_PORT or 8080; 0 picks a free one)
  --host H           address to listen on (default 127.0.0.1)
  --allow-remote     required with a --host that is not loopback
  --data-dir DIR     admin token and embedded store (default: $SPENDGATE_HOME or ~/.spendgate)
  --store URL        postgres:// team ledger (default: $SPENDGATE_DATABASE_URL, else the embedded store)
  --max-body-bytes N largest request body accepted (default 33554432)
  --max-in-flight N  requests served at once before 503 (default 1024)

${EXIT_CODES_HELP}
`;

function tagsFromEnv(text: string | undefined): Record<string, string> {
  if (!text) return {};
  return Object.fromEntries(text.split(',').map((kv) => kv.split('=', 2) as [string, string]).filter(([k, v]) => k && v !== undefined));
}

/** The one line a port conflict deserves: which port, and how to pick another. */
function portInUse(options: ServeOptions): string {
  return `spendgate serve: port ${options.port} on ${options.host} is already in use (another spendgate?); choose another with --port N or SPENDGATE_PORT=N`;
}

async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      store: { type: 'string' },
      'allow-remote': { type: 'boolean' },
      'max-body-bytes': { type: 'string' },
      'max-in-flight': { type: 'string' },
      // Not in the usage text: test-scale alert retries (seconds instead of an hour to dead-letter).
      'alert-retry-base-ms': { type: 'string' },
      'alert-max-attempts': { type: 'string' },
    },
    strict: true,
  });
  let options: ServeOptions;
  try {
    options = resolveServeOptions(values as ServeFlags, process.env, process.cwd());
  } catch (err) {
    // Every refusal here (no config, bad port, remote host without --allow-remote) is fixed on the command line.
    throw new UsageError((err as Error).message);
  }
  const log = createEventLog();
  // stderr carries one JSON object per line: route Node's own warnings (e.g. the AWS SDK's runtime
  // notice) through the event log instead of its default multi-line printer.
  process.removeAllListeners('warning');
  process.on('warning', (w) => log({ level: 'warn', event: 'node_warning', name: w.name, message: w.message }));
  let gateway;
  try {
    gateway = await startGateway(options, { log, defaultTags: tagsFromEnv(process.env.SPENDGATE_TAGS) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    process.stderr.write(`${portInUse(options)}\n`);
    return EXIT.failed;
  }
  process.stdout.write(`spendgate listening on ${gateway.url}\n`);
  if (gateway.loginUrl) process.stdout.write(`dashboard: ${gateway.loginUrl}\n`);
  log({ event: 'listening', url: gateway.url, config: options.configPath, data_dir: options.dataDir, store: gateway.services.store.dialect });

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log({ event: 'shutdown', signal });
      gateway.close().then(resolve, (err: unknown) => {
        log({ level: 'error', event: 'shutdown_failed', message: (err as Error).message });
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  log({ event: 'stopped' });
  return EXIT.ok;
}

export const serveCommand: CliCommand = { name: 'serve', synopsis: SYNOPSIS, help: HELP, run: serve };
