// `spendgate status`: every budget tier and rate limit of the running gateway, as a table or JSON.
import { parseArgs } from 'node:util';
import { connect } from './client.js';
import { renderTable } from './table.js';
import { EXIT, EXIT_CODES_HELP, type CliCommand } from './command.js';

const SYNOPSIS = '[--port N] [--host H] [--data-dir DIR] [--json]';

const HELP = `usage: spendgate status ${SYNOPSIS}

Prints every budget tier and rate limit of the running gateway as a table.

  --port N        the gateway's port (default: $SPENDGATE_PORT or 8080)
  --host H        the gateway's address (default 127.0.0.1)
  --data-dir DIR  where its admin token is (default: $SPENDGATE_HOME or ~/.spendgate)
  --json          the same as JSON: {tiers, rate_limits}

${EXIT_CODES_HELP}
`;

const money = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`;

async function runStatus(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean' } },
  });
  const client = await connect(values);
  const [budgets, limits] = await Promise.all([
    client.get('/api/budgets'),
    client.get('/api/rate-limits'),
  ]);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ tiers: budgets.tiers, rate_limits: limits.limits }, null, 2)}\n`);
    return EXIT.ok;
  }
  process.stdout.write('Budgets\n');
  process.stdout.write(
    `${renderTable(
      ['TIER', 'ID', 'PARENT', 'SPENT', 'RESERVED', 'LIMIT', 'REMAINING', 'USED', 'PERIOD', 'RESETS AT'],
      budgets.tiers.map((t) => [
        t.tier,
        t.id,
        t.parent ?? '-',
        money(t.spent),
        money(t.reserved),
        money(t.limit),
        money(t.remaining),
        `${t.percent.toFixed(1)}%`,
        t.period,
        t.resets_at,
      ]),
      new Set([3, 4, 5, 6, 7]),
    )}\n\nRate limits\n`,
  );
  process.stdout.write(
    `${renderTable(
      ['SCOPE', 'ID', 'KIND', 'USED', 'LIMIT', 'WINDOW', 'RESETS IN'],
      limits.limits.map((l) => [l.scope, l.id, l.kind, String(l.used), String(l.limit), l.duration, `${l.resets_in_seconds}s`]),
      new Set([3, 4]),
    )}\n`,
  );
  return EXIT.ok;
}

export const statusCommand: CliCommand = { name: 'status', synopsis: SYNOPSIS, help: HELP, run: runStatus };
