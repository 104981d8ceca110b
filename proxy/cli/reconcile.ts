// `spendgate reconcile`: the running gateway's GET /api/reconcile as a table (or its JSON): the log beside Bedrock's CloudWatch meters.
import { parseArgs } from 'node:util';
import type { ReconcileJson, ReconcileRowJson } from '../api/wire/index.js';
import { formatUsd } from '../pricing/money.js';
import { ApiAnswerError, connect } from './client.js';
import { EXIT, EXIT_CODES_HELP, UsageError, type CliCommand } from './command.js';
import { renderTable } from './table.js';

const SYNOPSIS = '--from DATE --to DATE [--region R...] [--json] [--port N]';

const HELP = `usage: spendgate reconcile --from DATE --to DATE [--region R ...] [--json]
                           [--port N] [--host H] [--data-dir DIR]

For every Bedrock model id and region the config serves, spendgate's own invocations and tokens per UTC day
(from its log) beside Bedrock's CloudWatch sums for the same days (AWS/Bedrock: Invocations, InputTokenCount,
OutputTokenCount, CacheReadInputTokenCount, CacheWriteInputTokenCount), and the difference in tokens and in
dollars at spendgate's prices. The same report as GET /api/reconcile.

  --from DATE     first UTC day, YYYY-MM-DD
  --to DATE       last UTC day, included (at most 93 days in all)
  --region R      only this region (repeat, or separate with commas); default every region the config's
                  Bedrock provider configs serve
  --json          the API's JSON: {from, to, regions, rows, pricing, totals}
  --port N        the gateway's port (default: $SPENDGATE_PORT or 8080)
  --host H        the gateway's address (default 127.0.0.1)
  --data-dir DIR  where its admin token is (default: $SPENDGATE_HOME or ~/.spendgate)

Reading the drift (CloudWatch minus spendgate): positive means Bedrock served traffic that did not go through
spendgate (another client on the same account); negative means spendgate counted requests Bedrock did not
bill; "pricing" lines name models whose spendgate price differs from AWS's. See docs/reconcile.md.
CloudWatch is read with each Bedrock provider config's own AWS credentials (cloudwatch:GetMetricData).

${EXIT_CODES_HELP}
`;

const VERDICT: Record<ReconcileRowJson['verdict'], string> = {
  match: 'match',
  calls_only: 'calls only',
  outside_traffic: 'outside traffic',
  not_billed: 'not billed',
  mixed: 'mixed',
  cloudwatch_unavailable: 'no cloudwatch',
};

function usd(micros: number | null): string {
  return micros === null ? 'unpriced' : formatUsd(micros);
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

function signedUsd(micros: number | null): string {
  return micros !== null && micros > 0 ? `+${formatUsd(micros)}` : usd(micros);
}

function render(report: ReconcileJson): string {
  const lines = [`spendgate's log vs Bedrock's CloudWatch meters, ${report.from} to ${report.to} (UTC), ${report.regions.join(', ')}`, ''];
  if (report.rows.length === 0) {
    lines.push('No Bedrock traffic on either side in this range.');
  } else {
    lines.push(
      renderTable(
        ['DAY', 'REGION', 'MODEL ID', 'CALLS SG', 'CALLS CW', 'TOKENS SG', 'TOKENS CW', 'DRIFT TOKENS', 'DRIFT $', 'VERDICT'],
        report.rows.map((r) => [
          r.day,
          r.region,
          r.model_id,
          String(r.spendgate.invocations),
          r.cloudwatch === null ? '-' : String(r.cloudwatch.invocations),
          String(r.spendgate.total_tokens),
          r.cloudwatch === null ? '-' : String(r.cloudwatch.total_tokens),
          r.drift === null ? '-' : signed(r.drift.total_tokens),
          r.drift === null ? '-' : signedUsd(r.drift.cost.micros),
          VERDICT[r.verdict],
        ]),
        new Set([3, 4, 5, 6, 7, 8]),
      ),
    );
    const t = report.totals;
    lines.push('', `Total drift: ${signed(t.drift_invocations)} invocations, ${signed(t.drift_tokens)} tokens, ${signedUsd(t.drift_cost.micros)} at spendgate's prices ` +
      `(spendgate ${usd(t.spendgate_cost.micros)}, CloudWatch ${usd(t.cloudwatch_cost.micros)}); ${t.rows_with_drift} of ${t.rows} rows drift.`);
    const explained = report.rows.filter((r) => r.verdict !== 'match');
    if (explained.length > 0) {
      lines.push('', 'What the drift means:');
      for (const r of explained) lines.push(`  ${r.day} ${r.region} ${r.model_id}: ${r.explanation}`);
    }
  }
  const problems = report.pricing.filter((p) => p.problem !== null);
  if (problems.length > 0) {
    lines.push('', 'Pricing:');
    for (const p of problems) lines.push(`  ${p.problem}`);
  }
  return `${lines.join('\n')}\n`;
}

async function runReconcile(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      region: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  if (values.from === undefined) throw new UsageError('--from DATE is required');
  if (values.to === undefined) throw new UsageError('--to DATE is required');
  const params = new URLSearchParams({ from: values.from, to: values.to });
  for (const region of values.region ?? []) params.append('region', region);
  const client = await connect(values);
  let report: ReconcileJson;
  try {
    report = await client.get('/api/reconcile', params.toString());
  } catch (err) {
    // The gateway validates the range and regions against its config; its 400 is a mistake on this command line.
    if (err instanceof ApiAnswerError && err.status === 400) throw new UsageError(err.message.replace(/^\/api\/reconcile\?\S*: HTTP 400: /, ''));
    throw err;
  }
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : render(report));
  return EXIT.ok;
}

export const reconcileCommand: CliCommand = { name: 'reconcile', synopsis: SYNOPSIS, help: HELP, run: runReconcile };
