// `spendgate logs`: query the request log with the API's own filters as flags, or --follow it live.
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { FILTER_PARAMS, LogFilterError, parseLogQuery } from '../logs/filters.js';
import type { LogJson } from '../api/wire/index.js';
import { connect } from './client.js';
import { renderTable } from './table.js';
import { EXIT, EXIT_CODES_HELP, UsageError, type CliCommand } from './command.js';

const flagName = (param: string) => param.replaceAll('_', '-');

function line(r: LogJson): string[] {
  const cost = r.cost === null ? 'unpriced' : `$${r.cost.total.toFixed(6)}`;
  const model = r.model_served && r.model_served !== r.model_requested ? `${r.model_requested} → ${r.model_served}` : r.model_requested;
  return [r.timestamp, r.virtual_key_id ?? '-', model, r.provider_config_id ?? '-', String(r.status), String(r.input_tokens + r.output_tokens), cost, `${Math.round(r.latency_ms)}ms`];
}

const SYNOPSIS = '[--follow] [--limit N] [--models M] [--virtual-key-ids K] [--status S] [...filters] [--json]';

const HELP = `usage: spendgate logs ${SYNOPSIS}

Queries the running gateway's request log (newest first), or tails it live with --follow.
Every filter of GET /api/logs is a flag, its name with - for _:
  ${FILTER_PARAMS.map((p) => `--${flagName(p)}`).join(' ')}

  -f, --follow    print each new request as it is logged (until Ctrl-C)
  --json          JSON instead of a table (one object per line with --follow)
  --port N        the gateway's port (default: $SPENDGATE_PORT or 8080)
  --host H        the gateway's address (default 127.0.0.1)
  --data-dir DIR  where its admin token is (default: $SPENDGATE_HOME or ~/.spendgate)

${EXIT_CODES_HELP}
`;

const HEADERS = ['TIME', 'KEY', 'MODEL', 'PROVIDER', 'STATUS', 'TOKENS', 'COST', 'LATENCY'];

async function runLogs(argv: string[]): Promise<number> {
  const filterOptions = Object.fromEntries(FILTER_PARAMS.map((p) => [flagName(p), { type: 'string' as const }]));
  const { values } = parseArgs({
    args: argv,
    options: {
      ...filterOptions,
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      follow: { type: 'boolean', short: 'f' },
      json: { type: 'boolean' },
    },
  });
  const params = new URLSearchParams();
  for (const p of FILTER_PARAMS) {
    const v = (values as Record<string, unknown>)[flagName(p)];
    if (typeof v === 'string') params.set(p, v);
  }
  try {
    parseLogQuery(params); // the same validation as the API
  } catch (err) {
    if (err instanceof LogFilterError) throw new UsageError(`--${flagName(err.parameter)}: ${err.message}`);
    throw err;
  }
  const client = await connect(values as { port?: string; host?: string; 'data-dir'?: string });

  if (!values.follow) {
    const page = await client.get('/api/logs', params.toString());
    if (values.json) process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    else process.stdout.write(`${renderTable(HEADERS, page.logs.map(line))}\n${page.logs.length} of ${page.pagination.total_count} records\n`);
    return EXIT.ok;
  }

  const ws = new WebSocket(`${client.base.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${client.token}` } });
  ws.on('open', () => {
    const filter: Record<string, string> = {};
    for (const [k, v] of params) if (!['limit', 'offset', 'sort_by', 'order'].includes(k)) filter[k] = v;
    ws.send(JSON.stringify({ type: 'subscribe', filter }));
  });
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { type: string; payload?: LogJson };
    if (msg.type !== 'log' || !msg.payload) return;
    process.stdout.write(values.json ? `${JSON.stringify(msg.payload)}\n` : `${line(msg.payload).join('  ')}\n`);
  });
  return new Promise<number>((resolve) => {
    ws.on('close', () => resolve(EXIT.ok));
    ws.on('error', (err) => {
      process.stderr.write(`spendgate logs: ${err.message}\n`);
      resolve(EXIT.failed);
    });
    process.once('SIGINT', () => ws.close());
  });
}

export const logsCommand: CliCommand = { name: 'logs', synopsis: SYNOPSIS, help: HELP, run: runLogs };
