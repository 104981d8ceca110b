// `spendgate export`: spend per group over a UTC range, streamed from the running gateway's GET /api/export to stdout.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { LogFilterError } from '../logs/filters.js';
import { parseExportRequest } from '../export/request.js';
import { ApiAnswerError, connect } from './client.js';
import type { CliCommand } from './command.js';

export const EXPORT_USAGE = `usage: spendgate export --from DATE --to DATE --group-by G[,G...] [--format csv|json]
                        [--port N] [--host H] [--data-dir DIR]

Spend per group, one row per group: requests, unpriced requests, tokens and every cost item,
in decimal dollars and exact integer micro-dollars. The same numbers as GET /api/export.

  --from DATE      first day (UTC) or an ISO 8601 timestamp with a zone (2025-01-31T12:00:00Z)
  --to DATE        last day, inclusive: --to 2025-01-31 includes all of January 31 (UTC);
                   a timestamp is included to the millisecond
  --group-by G     comma-separated: team, virtual_key, customer, model, provider_config,
                   provider, tag:NAME
  --format F       csv (default; a header row, RFC 4180 quoting, no TOTAL row) or json
                   ({from, to, group_by, groups, totals})

Exit 0 on success, 2 on a bad flag or value, 1 when the gateway cannot be reached or fails.
See docs/export.md.`;

/** The API parameter a flag feeds, for naming the flag the user typed in an error. */
const FLAG_OF: Record<string, string> = { from: '--from', to: '--to', group_by: '--group-by', format: '--format' };

function usageError(message: string): number {
  process.stderr.write(`spendgate export: ${message}\n${EXPORT_USAGE}\n`);
  return 2;
}

export async function runExport(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        'group-by': { type: 'string' },
        format: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    return usageError((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${EXPORT_USAGE}\n`);
    return 0;
  }
  const params = new URLSearchParams();
  for (const [param, value] of [['from', values.from], ['to', values.to], ['group_by', values['group-by']], ['format', values.format]] as const) {
    if (value !== undefined) params.set(param, value);
  }
  try {
    parseExportRequest(params); // the API's own validation, before contacting the gateway
  } catch (err) {
    if (!(err instanceof LogFilterError)) throw err;
    return usageError(`${FLAG_OF[err.parameter] ?? err.parameter}: ${err.message.replace(/^invalid \S+: /, '')}`);
  }
  const client = await connect(values);
  let res: Response;
  try {
    res = await client.open(`/api/export?${params}`);
  } catch (err) {
    if (err instanceof ApiAnswerError && err.status === 400) return usageError(err.message);
    throw err;
  }
  if (res.body === null) return 0;
  // Copied as it arrives, waiting for stdout to drain, so the CLI holds no more of the export than the gateway does.
  const reader = res.body.getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    if (!process.stdout.write(part.value)) await once(process.stdout, 'drain');
  }
  return 0;
}

export const exportCommand: CliCommand = {
  name: 'export',
  synopsis: '--from DATE --to DATE --group-by G[,G...] [--format csv|json] [--port N]',
  help: EXPORT_USAGE,
  run: runExport,
};
