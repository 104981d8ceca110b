// Bundles the engine CLI, the VS Code extension and the dashboard webview into dist/ with esbuild.
import { build } from 'esbuild';
import { existsSync, mkdirSync, cpSync } from 'node:fs';

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
    plugins: [telemetryApart],
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
  },
  {
    // The embedded store's database thread (a worker_threads script next to cli.js).
    entryPoints: ['proxy/store/sqlite-worker.ts'],
    outfile: 'dist/proxy/sqlite-worker.js',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
  },
  {
    entryPoints: ['extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
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
