// What the VSIX shows a marketplace user: the README vsce packages (docs/README-extension.md), its links, and the
// changelog. vsce rewrites relative links against --baseContentUrl/--baseImagesUrl, so those must name docs/ in
// the repository package.json declares, and every relative link must name a file there.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const README = 'docs/README-extension.md';
const readme = readFileSync(join(ROOT, README), 'utf8');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  repository: { url: string };
  scripts: Record<string, string>;
};

/** The value following `flag` in the package script. */
function packageFlag(flag: string): string | undefined {
  const words = manifest.scripts.package?.split(/\s+/) ?? [];
  const at = words.indexOf(flag);
  return at < 0 ? undefined : words[at + 1];
}

test('npm run package ships docs/README-extension.md with its relative links based on docs/ in the repository', () => {
  const repository = manifest.repository.url.replace(/\.git$/, '');
  assert.equal(packageFlag('--readme-path'), README);
  assert.equal(packageFlag('--baseContentUrl'), `${repository}/blob/HEAD/docs`);
  assert.equal(packageFlag('--baseImagesUrl'), `${repository}/raw/HEAD/docs`);
});

test('every relative link and image in the marketplace README names a file in docs/', () => {
  const links = [...readme.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
  const relative = links.filter((l) => !/^[a-z]+:/i.test(l) && !l.startsWith('#'));
  assert.ok(relative.some((l) => l.endsWith('.png')), 'the README shows screenshots');
  for (const link of relative) assert.ok(existsSync(join(ROOT, 'docs', link.split('#')[0] ?? '')), `${link} exists under docs/`);
});

test('the marketplace README gives no checkout-only instructions', () => {
  for (const checkoutOnly of [/npm (ci|test|start|run)\b/, /node dist\//, /npx spendgate/, /git clone/]) assert.doesNotMatch(readme, checkoutOnly);
});

test('CHANGELOG.md has a section for the version package.json declares', () => {
  assert.match(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), new RegExp(`^## ${manifest.version.replace(/\./g, '\\.')}$`, 'm'));
});
