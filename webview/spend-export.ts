// The Spend tab's "Download CSV": the /api/export parameters for what the tab shows, and reading what the export answers.

/** The parameters of `GET /api/export` the dashboard sends; the format is always CSV (docs/export.md). */
export interface SpendExportQuery {
  /** ISO 8601 UTC timestamp: the first millisecond included. */
  readonly from: string;
  /** ISO 8601 UTC timestamp: the last millisecond included. */
  readonly to: string;
  /** `model`, `team` or `tag:branch`. */
  readonly group_by: string;
}

/** What became of a download: saved (or handed to the browser) with its data row count, or cancelled in the save dialog. */
export type ExportOutcome = { readonly state: 'saved'; readonly file: string; readonly rows: number } | { readonly state: 'cancelled' };

export const EXPORT_ROUTE = '/api/export';
/** Used when the answer carries no usable content-disposition; the engine always sends one. */
const FALLBACK_FILE_NAME = 'spendgate-export.csv';

/** The export's query string: the dashboard's range and group, always as CSV so the file is the API's CSV byte for byte. */
export function exportSearch(query: SpendExportQuery): string {
  return new URLSearchParams({ from: query.from, to: query.to, group_by: query.group_by, format: 'csv' }).toString();
}

/** Validates an export query from the webview (untrusted input to the host); the engine validates the values themselves. */
export function parseExportQuery(value: unknown): SpendExportQuery | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const q = value as { from?: unknown; to?: unknown; group_by?: unknown };
  const text = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;
  return text(q.from) && text(q.to) && text(q.group_by) ? { from: q.from, to: q.to, group_by: q.group_by } : undefined;
}

/**
 * The file name from `content-disposition: attachment; filename="…"`. Only the last path segment is kept, so a name
 * can never point a save outside the folder it is saved in.
 */
export function fileNameFromDisposition(header: string | null | undefined): string {
  const match = /filename="([^"]*)"|filename=([^;\s]+)/i.exec(header ?? '');
  const raw = match?.[1] ?? match?.[2] ?? '';
  const name = raw.split(/[/\\]/).pop()?.trim() ?? '';
  return name === '' || name === '.' || name === '..' ? FALLBACK_FILE_NAME : name;
}

/** Data rows of an RFC 4180 CSV with a header: CRLF-ended records outside quotes, less the header (a quoted field may hold line breaks). */
export function csvDataRows(text: string): number {
  let records = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && !quoted) records++;
  }
  // A last record without its line break still counts.
  if (text.length > 0 && !text.endsWith('\n')) records++;
  return Math.max(0, records - 1);
}
