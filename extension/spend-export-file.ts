// The file the dashboard's "Download CSV" saves in VS Code: the export fetched with the admin token, its name and row count.
import { csvDataRows, fileNameFromDisposition, type SpendExportQuery } from '../webview/spend-export.js';
import type { EngineClient } from './engine-client.js';

export interface SpendExportFile {
  /** The engine's name for it (`spendgate-export-FROM-TO.csv`), the save dialog's default. */
  readonly fileName: string;
  /** The API's CSV unchanged, so the saved file is what `spendgate export` prints. */
  readonly text: string;
  readonly rows: number;
}

/** Kept apart from the save dialog (which needs `vscode`) so it runs in plain node tests against a real engine. @throws EngineApiError */
export async function fetchSpendExport(client: Pick<EngineClient, 'exportCsv'>, query: SpendExportQuery): Promise<SpendExportFile> {
  const { text, disposition } = await client.exportCsv(query);
  return { fileName: fileNameFromDisposition(disposition), text, rows: csvDataRows(text) };
}

/** The line the host shows once the file is written. */
export function savedMessage(rows: number, path: string): string {
  return `Saved ${rows} ${rows === 1 ? 'row' : 'rows'} to ${path}`;
}
