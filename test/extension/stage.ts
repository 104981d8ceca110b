// Lays the extension out as VS Code sees it (package.json with the contributions, dist/, LICENSE, icon) in a
// temporary folder, bundles the extension-host suite next to it, and packages a VSIX with vsce.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

export const ROOT = join(__dirname, '..', '..');
export const EXTENSION_ID = 'spendgate.spendgate';

/** Builds dist/ with the project's build.mjs when any bundle the extension needs is missing. */
export function ensureBuilt(): void {
  const needed = ['dist/extension.js', 'dist/proxy/cli.js', 'dist/webview/main.js'];
  if (needed.every((f) => existsSync(join(ROOT, f)))) return;
  execFileSync(process.execPath, ['build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  for (const f of needed) if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing after npm run build`);
}

/** The package.json the VSIX ships: the project's, plus extension/package-contributes.json if not merged yet. */
function extensionManifest(): Record<string, unknown> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const contributes = JSON.parse(readFileSync(join(ROOT, 'extension', 'package-contributes.json'), 'utf8')) as Record<string, unknown>;
  delete contributes.$comment;
  const merged: Record<string, unknown> = { ...contributes, ...pkg };
  for (const key of Object.keys(contributes)) if (!(key in pkg)) merged[key] = contributes[key];
  delete merged.private;
  delete merged.scripts;
  delete merged.devDependencies;
  delete merged.dependencies;
  return merged;
}

export function stageExtension(dir: string): string {
  ensureBuilt();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(extensionManifest(), null, 2));
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  for (const f of ['LICENSE', 'icon.png', '.vscodeignore']) copyFileSync(join(ROOT, f), join(dir, f));
  const readme = join(ROOT, 'README.md');
  if (existsSync(readme)) copyFileSync(readme, join(dir, 'README.md'));
  else writeFileSync(join(dir, 'README.md'), '# spendgate\n\nA local LLM gateway that counts and caps AI spend.\n');
  buildSync({
    entryPoints: [join(__dirname, 'suite', 'index.ts')],
    outfile: join(dir, 'test', 'suite.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    logLevel: 'warning',
  });
  return dir;
}

/** `vsce package --no-dependencies` on a staged folder; returns the .vsix path. */
export function packageVsix(stagedDir: string, out: string): string {
  execFileSync(join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--out', out], { cwd: stagedDir, stdio: 'pipe' });
  return out;
}
