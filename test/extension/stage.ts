// Lays the extension out as VS Code sees it (package.json with the contributions, dist/, LICENSE, icon, README) in a
// temporary folder, bundles the extension-host suite next to it, and packages a VSIX with vsce.
// tier: e2e — builds dist/ with build.mjs when it is missing and packages a VSIX with vsce.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

export const ROOT = join(__dirname, '..', '..');
export const EXTENSION_ID = 'spendgate.spendgate';

/** Builds dist/ with the project's build.mjs when any bundle the extension needs is missing. */
export function ensureBuilt(): void {
  const needed = ['dist/extension.js', 'dist/proxy/cli.js', 'dist/proxy/sqlite-worker.js', 'dist/webview/main.js'];
  if (needed.every((f) => existsSync(join(ROOT, f)))) return;
  execFileSync(process.execPath, ['build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  for (const f of needed) if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing after npm run build`);
}

/** The package.json the VSIX ships: the project's (its `contributes` is merged), without the development-only fields. */
function extensionManifest(): Record<string, unknown> {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  if (typeof manifest.contributes !== 'object' || manifest.contributes === null) throw new Error('package.json has no "contributes" section');
  delete manifest.private;
  delete manifest.scripts;
  delete manifest.devDependencies;
  delete manifest.dependencies;
  return manifest;
}

export function stageExtension(dir: string): string {
  ensureBuilt();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(extensionManifest(), null, 2));
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  for (const f of ['LICENSE', 'icon.png', '.vscodeignore', 'CHANGELOG.md']) copyFileSync(join(ROOT, f), join(dir, f));
  // The JSON Schema the manifest contributes to YAML editors for bifrost.yaml, and the marketplace README.
  mkdirSync(join(dir, 'docs'), { recursive: true });
  for (const f of ['bifrost.schema.json', 'README-extension.md']) copyFileSync(join(ROOT, 'docs', f), join(dir, 'docs', f));
  // The example policy "spendgate: Create bifrost.yaml from Example" writes into a workspace without one.
  mkdirSync(join(dir, 'examples'), { recursive: true });
  copyFileSync(join(ROOT, 'examples', 'bifrost.yaml'), join(dir, 'examples', 'bifrost.yaml'));
  // The extension and dashboard bundles are rebuilt from source (options as in build.mjs), so a stale dist/ cannot be tested.
  const bundle = { bundle: true, sourcemap: true, logLevel: 'warning', legalComments: 'none' } as const;
  buildSync({ ...bundle, entryPoints: [join(ROOT, 'extension', 'extension.ts')], outfile: join(dir, 'dist', 'extension.js'), platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'] });
  buildSync({ ...bundle, entryPoints: [join(ROOT, 'webview', 'main.ts')], outfile: join(dir, 'dist', 'webview', 'main.js'), platform: 'browser', target: 'es2022', format: 'esm', loader: { '.css': 'text' } });
  // The extension-host suites: a workspace with bifrost.yaml (suite.js) and one without (no-config-suite.js).
  for (const [entry, out] of [['index.ts', 'suite.js'], ['no-config.ts', 'no-config-suite.js']]) {
    buildSync({
      entryPoints: [join(__dirname, 'suite', entry)],
      outfile: join(dir, 'test', out),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['vscode'],
      logLevel: 'warning',
    });
  }
  return dir;
}

/**
 * The arguments `npm run package` gives `vsce package` (no dependencies, the marketplace README, its link bases),
 * read from package.json so the tested VSIX is packaged exactly as the published one.
 */
export function packageArguments(): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const script = manifest.scripts?.package ?? '';
  const at = script.indexOf('vsce package');
  if (at < 0) throw new Error('package.json scripts.package does not run vsce package');
  return script.slice(at + 'vsce package'.length).trim().split(/\s+/).filter((a) => a !== '');
}

/** `vsce package` on a staged folder with the project's packaging arguments; returns the .vsix path. */
export function packageVsix(stagedDir: string, out: string): string {
  execFileSync(join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', ...packageArguments(), '--out', out], { cwd: stagedDir, stdio: 'pipe' });
  return out;
}
