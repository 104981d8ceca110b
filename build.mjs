// Bundles the engine CLI, the VS Code extension and the dashboard webview into dist/ with esbuild.
import { build } from 'esbuild';
import { existsSync, mkdirSync, cpSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

const common = { bundle: true, sourcemap: true, logLevel: 'warning', legalComments: 'none' };

/**
 * The OpenTelemetry SDK is its own bundle (dist/proxy/telemetry.js): proxy/telemetry/export.ts imports it lazily, and
 * here that import is left as a require of the file next to cli.js, so a gateway without `telemetry:` never parses it.
 */
const telemetryApart = {
  name: 'telemetry-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/sdk\.js$/ }, (args) =>
      args.importer.replaceAll('\\', '/').endsWith('proxy/telemetry/export.ts') ? { path: './telemetry.js', external: true } : undefined,
    );
  },
};

const NON_ASCII = /[^\x00-\x7f]/;

/** True when every non-ASCII character of `line` sits in a comment: after `//`, or on a block comment's line. */
function nonAsciiOnlyInComment(line) {
  const at = line.search(NON_ASCII);
  const start = line.trimStart();
  if (start.startsWith('*') || start.startsWith('/*')) return true;
  const comment = line.indexOf('//');
  return comment !== -1 && comment < at;
}

/**
 * V8 holds a script's source in memory for the life of the process, as a one-byte string only when every character
 * of it is Latin-1: one ’ in a dependency's comment (undici has dozens) made the CLI's 4.5 MB source a 9 MB two-byte
 * string. esbuild already escapes non-ASCII characters in code (its default `charset: 'ascii'`), so what is left is
 * in comments; each UTF-16 unit of it becomes `?`, which keeps every line and column the source map points at. A
 * non-ASCII character that does not look like part of a comment fails the build rather than being rewritten.
 */
const asciiOutput = {
  name: 'ascii-output',
  setup(b) {
    b.onEnd(async (result) => {
      if (result.errors.length > 0) return;
      const file = b.initialOptions.outfile;
      const text = await readFile(file, 'utf8');
      if (!NON_ASCII.test(text)) return;
      const lines = text.split('\n');
      const suspect = lines.findIndex((line) => NON_ASCII.test(line) && !nonAsciiOnlyInComment(line));
      if (suspect !== -1) throw new Error(`${file}:${suspect + 1}: a non-ASCII character outside a comment; it would be rewritten to '?'`);
      await writeFile(file, text.replace(/[^\x00-\x7f]/g, '?'));
    });
  },
};

const targets = [
  {
    entryPoints: ['proxy/cli.ts'],
    outfile: 'dist/proxy/cli.js',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
    // sql.js loads its wasm next to the bundle (copied below).
    external: ['pg-native'],
    plugins: [telemetryApart, asciiOutput],
  },
  {
    // OpenTelemetry, loaded by the CLI only when the config has a telemetry section.
    entryPoints: ['proxy/telemetry/sdk.ts'],
    outfile: 'dist/proxy/telemetry.js',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // The packages' ES module builds let esbuild drop what is unused (most of semantic-conventions): ~260 KB instead of ~740 KB.
    mainFields: ['module', 'main'],
    plugins: [asciiOutput],
  },
  {
    // The embedded store's database thread (a worker_threads script next to cli.js).
    entryPoints: ['proxy/store/sqlite-worker.ts'],
    outfile: 'dist/proxy/sqlite-worker.js',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    plugins: [asciiOutput],
  },
  {
    entryPoints: ['extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    plugins: [asciiOutput],
  },
  {
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview/main.js',
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    loader: { '.css': 'text' },
  },
];

mkdirSync('dist/proxy', { recursive: true });
await Promise.all(targets.filter((t) => existsSync(t.entryPoints[0])).map((t) => build({ ...common, ...t })));
cpSync('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/proxy/sql-wasm.wasm');
if (existsSync('proxy/pricing/catalog.json')) cpSync('proxy/pricing/catalog.json', 'dist/proxy/catalog.json');
