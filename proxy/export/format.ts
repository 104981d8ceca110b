// The export as text: CSV (RFC 4180) or JSON, produced piece by piece from the rows so nothing waits for the whole answer.
import { microsToDecimal, microsToDollars } from '../pricing/money.js';
import { addSums, COST_ITEMS, emptySums, exportRows, TOKEN_ITEMS, type ExportRow, type ExportSource, type SpendSums } from './query.js';
import { groupName, type ExportRequest } from './request.js';

/** Pieces of about this size are handed to the writer: fewer, larger writes than one per row. */
const CHUNK_CHARS = 64 * 1024;

/** The metric columns after the group columns, CSV header and JSON field names alike. */
export const METRIC_COLUMNS: readonly string[] = [
  'requests',
  'missing_cost_requests',
  ...TOKEN_ITEMS.map((t) => `${t}_tokens`),
  ...COST_ITEMS.flatMap((c) => [`cost_${c}_usd`, `cost_${c}_micros`]),
];

function metricValues(s: SpendSums): (number | string)[] {
  return [
    s.requests,
    s.missingCostRequests,
    ...TOKEN_ITEMS.map((t) => s.tokens[t]),
    ...COST_ITEMS.flatMap((c) => [microsToDecimal(s.costMicros[c]), s.costMicros[c]]),
  ];
}

/** RFC 4180: a field holding a comma, a quote, CR or LF is quoted, with quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvLine(fields: readonly (string | number)[]): string {
  return `${fields.map((f) => csvField(String(f))).join(',')}\r\n`;
}

/** A group's metrics as JSON: dollars as numbers exact to the micro-dollar (as /api/budgets), beside the micros. */
function jsonMetrics(s: SpendSums): Record<string, number> {
  const out: Record<string, number> = { requests: s.requests, missing_cost_requests: s.missingCostRequests };
  for (const t of TOKEN_ITEMS) out[`${t}_tokens`] = s.tokens[t];
  for (const c of COST_ITEMS) {
    out[`cost_${c}_usd`] = microsToDollars(s.costMicros[c]);
    out[`cost_${c}_micros`] = s.costMicros[c];
  }
  return out;
}

function jsonGroup(req: ExportRequest, row: ExportRow): Record<string, unknown> {
  const group = Object.fromEntries(req.groupBy.map((g, i) => [groupName(g), row.group[i]]));
  return { group, ...jsonMetrics(row) };
}

/**
 * The export's text in pieces. CSV: a header, then one line per group; no TOTAL line (a group value could itself
 * be "TOTAL", and spreadsheets sum columns). A missing group value is an empty field. JSON:
 * `{from, to, group_by, groups: [...], totals: {...}}`, the totals summed from the rows as they pass.
 */
export async function* exportText(source: ExportSource, req: ExportRequest): AsyncGenerator<string> {
  const csv = req.format === 'csv';
  const totals = emptySums();
  let pending = csv
    ? csvLine([...req.groupBy.map(groupName), ...METRIC_COLUMNS])
    : `{"from":${JSON.stringify(new Date(req.from).toISOString())},"to":${JSON.stringify(new Date(req.to).toISOString())},` +
      `"group_by":${JSON.stringify(req.groupBy.map(groupName))},"groups":[`;
  let first = true;
  for await (const row of exportRows(source, req)) {
    addSums(totals, row);
    if (csv) pending += csvLine([...row.group.map((v) => v ?? ''), ...metricValues(row)]);
    else pending += `${first ? '' : ','}\n${JSON.stringify(jsonGroup(req, row))}`;
    first = false;
    if (pending.length >= CHUNK_CHARS) {
      yield pending;
      pending = '';
    }
  }
  if (!csv) pending += `\n],"totals":${JSON.stringify(jsonMetrics(totals))}}\n`;
  if (pending.length > 0) yield pending;
}

/** `spendgate-export-2025-01-01-2025-01-31.csv`: the range in the name, so saved files do not overwrite each other. */
export function exportFileName(req: ExportRequest): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return `spendgate-export-${day(req.from)}-${day(req.to)}.${req.format}`;
}
