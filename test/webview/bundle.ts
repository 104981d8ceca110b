// Builds the dashboard bundle (webview/main.ts) in memory with the same esbuild options as build.mjs.
import { build } from 'esbuild';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export async function buildDashboardBundle(): Promise<Buffer> {
  const result = await build({
    entryPoints: [join(ROOT, 'webview', 'main.ts')],
    bundle: true,
    write: false,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    loader: { '.css': 'text' },
    logLevel: 'silent',
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error('esbuild produced no output for webview/main.ts');
  return Buffer.from(file.contents);
}
