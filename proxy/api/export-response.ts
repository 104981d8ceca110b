// GET /api/export: the spend export streamed as it is read, with backpressure, so a year of logs never sits in memory.
import type { EventEmitter } from 'node:events';
import { exportFileName, exportText } from '../export/format.js';
import type { ExportSource } from '../export/query.js';
import { parseExportRequest } from '../export/request.js';
import type { AnyResponse } from './respond.js';

const CONTENT_TYPE = { csv: 'text/csv; charset=utf-8; header=present', json: 'application/json; charset=utf-8' } as const;

/** Resolves once the response can take more, or false when the client went away. */
function writable(res: AnyResponse): Promise<boolean> {
  const emitter = res as unknown as EventEmitter;
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      emitter.off('drain', onDrain);
      emitter.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    emitter.once('drain', onDrain);
    emitter.once('close', onClose);
  });
}

/**
 * Validates the query (a LogFilterError here becomes a 400 naming the parameter), then streams the export. The first
 * piece is read before the status line, so a statement that fails at once still answers with an error status; a
 * failure later can only cut the response short, which the client sees as an incomplete chunked body.
 */
export async function sendExport(source: ExportSource, params: URLSearchParams, res: AnyResponse): Promise<void> {
  const req = parseExportRequest(params);
  const pieces = exportText(source, req);
  const first = await pieces.next();
  res.writeHead(200, {
    'content-type': CONTENT_TYPE[req.format],
    'content-disposition': `attachment; filename="${exportFileName(req)}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  // Both HTTP/1.1 and HTTP/2 responses write strings; their overloads only differ in the callback forms.
  const write = (text: string): boolean => (res as { write(chunk: string): boolean }).write(text);
  try {
    let piece = first;
    while (!piece.done) {
      if (!write(piece.value) && !(await writable(res))) return;
      piece = await pieces.next();
    }
    res.end();
  } catch (err) {
    res.destroy(err as Error);
  } finally {
    // A client that hung up stops the read: the generator's cleanup closes the PostgreSQL cursor.
    await pieces.return(undefined);
  }
}
