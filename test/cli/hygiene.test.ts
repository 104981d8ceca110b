// The command line itself: --help everywhere, --version, hash-key, exit codes, closed pipes, any working folder.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { spendgate } from '../harness/cli.js';
import { CLI, removeDir, tempDir } from '../harness/gateway.js';

const ROOT = resolve(__dirname, '..', '..');
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const COMMANDS = ['serve', 'check', 'status', 'logs', 'diff', 'hash-key'] as const;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('help and version', () => {
  for (const command of COMMANDS) {
    test(`${command} --help and -h print its usage and exit 0, even beside a wrong flag`, async () => {
      for (const args of [[command, '--help'], [command, '-h'], [command, '--no-such-flag', '--help']]) {
        const r = await spendgate(args);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^usage: spendgate ${command}\\b`), args.join(' '));
        assert.match(r.stdout, /^exit codes:$/m, 'the exit codes are documented in every usage text');
        assert.equal(r.stderr, '');
      }
    });
  }

  test('spendgate --help lists every command and exits 0; no command at all is a usage error (2)', async () => {
    const help = await spendgate(['--help']);
    assert.equal(help.code, 0);
    for (const command of COMMANDS) assert.match(help.stdout, new RegExp(`^  ${command}\\s`, 'm'));
    const bare = await spendgate([]);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /^usage: spendgate <command>/);
    const topic = await spendgate(['help', 'check']);
    assert.equal(topic.code, 0);
    assert.match(topic.stdout, /^usage: spendgate check/);
  });

  test('--version and -v print the version of package.json', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await spendgate([flag]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `${PACKAGE_VERSION}\n`);
    }
  });
});

describe('exit codes are the same for the same failure', () => {
  test('an unknown flag is 2 for every command, with the usage line and no stack', async () => {
    for (const command of COMMANDS) {
      const r = await spendgate([command, '--no-such-flag']);
      assert.equal(r.code, 2, `${command}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr + r.stdout, new RegExp(`usage: spendgate ${command}`), command);
      assert.doesNotMatch(r.stderr, /^\s+at /m, `${command}: no stack trace`);
    }
  });

  test('check: 0 valid (ok: FILE), 1 invalid, 2 when there is no config to check', async () => {
    const dir = await tempDir();
    try {
      const good = join(dir, 'good.yaml');
      const bad = join(dir, 'bad.yaml');
      await writeFile(good, 'accounts:\n  - id: dev\n    providers:\n      - {id: p1, type: anthropic, model: claude-sonnet-4-20250514}\n');
      await writeFile(bad, 'accounts: 5\n');
      const ok = await spendgate(['check', '--config', good]);
      assert.equal(ok.code, 0, ok.stdout);
      assert.equal(ok.stdout, `ok: ${good}\n`);
      const invalid = await spendgate(['check', '--config', bad]);
      assert.equal(invalid.code, 1);
      assert.match(invalid.stdout, /^invalid: .*bad\.yaml \(1 error\)$/m);
      const none = await spendgate(['check'], { cwd: dir, env: { SPENDGATE_CONFIG: '' } });
      assert.equal(none.code, 2, none.stderr);
      assert.match(none.stderr, /no config found/);
    } finally {
      await removeDir(dir);
    }
  });

  test('check warns, at the api_key, about a variable unset in its environment', async () => {
    const dir = await tempDir();
    try {
      const file = join(dir, 'bifrost.yaml');
      await writeFile(file, 'accounts:\n  - id: dev\n    providers:\n      - id: p1\n        type: anthropic\n        model: claude-sonnet-4-20250514\n        api_key: env.SPENDGATE_TEST_UNSET_KEY\n');
      const unset = await spendgate(['check', '--config', file], { env: { SPENDGATE_TEST_UNSET_KEY: '' } });
      assert.equal(unset.code, 0, 'a warning: the gateway may run with another environment');
      assert.match(unset.stdout, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:7:18: warning: provider "p1": SPENDGATE_TEST_UNSET_KEY is not set`, 'm'));
      assert.match(unset.stdout, /^ok: .* \(1 warning\)$/m);
      const set = await spendgate(['check', '--config', file], { env: { SPENDGATE_TEST_UNSET_KEY: 'sk-set' } });
      assert.equal(set.stdout, `ok: ${file}\n`);
    } finally {
      await removeDir(dir);
    }
  });
});

describe('hash-key', () => {
  test('prints sha256:HEX of stdin without one trailing newline (\\n or \\r\\n), and keeps everything else', async () => {
    for (const [input, key] of [['s3cret\n', 's3cret'], ['s3cret\r\n', 's3cret'], ['s3cret', 's3cret'], ['s3cret\n\n', 's3cret\n'], [' spaced \n', ' spaced ']]) {
      const r = await spendgate(['hash-key'], { input });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `sha256:${sha256(key)}\n`, JSON.stringify(input));
    }
  });

  test('an empty key is a usage error', async () => {
    for (const input of ['', '\n']) {
      const r = await spendgate(['hash-key'], { input });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /no key on stdin/);
    }
  });
});

describe('a closed stdout (spendgate … | head -1)', () => {
  test('ends the command quietly with exit 0, no EPIPE stack', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Close the reading end before the CLI has written anything, as head does once it has its line.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|^\s+at /m);
  });
});

describe('from any folder (npm install -g links the bin)', () => {
  let dir: string;
  let linked: string;

  before(async () => {
    dir = await tempDir();
    linked = join(dir, 'spendgate');
    await symlink(CLI, linked);
    await writeFile(join(dir, 'bifrost.yaml'), 'accounts:\n  - id: dev\n    providers:\n      - {id: p1, type: anthropic, model: claude-sonnet-4-20250514}\n');
  });

  after(() => removeDir(dir));

  test('the bin starts with a node shebang', () => {
    assert.equal(readFileSync(CLI, 'utf8').split('\n')[0], '#!/usr/bin/env node');
  });

  test('--version and check work through a link, from a folder that is not the package', async () => {
    const version = await spendgate(['--version'], { cli: linked, cwd: dir });
    assert.equal(version.stdout, `${PACKAGE_VERSION}\n`);
    const check = await spendgate(['check'], { cli: linked, cwd: dir, env: { SPENDGATE_CONFIG: '' } });
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /^ok: .*bifrost\.yaml$/m);
  });
});
