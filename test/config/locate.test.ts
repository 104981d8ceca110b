import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateConfig } from '../../proxy/config/locate.js';

function tree(): { root: string; deep: string; cleanup: () => void } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'spendgate-locate-')));
  const deep = join(root, 'a', 'b', 'c');
  mkdirSync(deep, { recursive: true });
  return { root, deep, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

test('--config wins over $SPENDGATE_CONFIG and the working directory, resolved against cwd', () => {
  const { root, cleanup } = tree();
  try {
    writeFileSync(join(root, 'bifrost.yaml'), '');
    assert.equal(locateConfig({ explicit: 'conf/team.yaml', env: { SPENDGATE_CONFIG: '/etc/other.yaml' }, cwd: root }), join(root, 'conf', 'team.yaml'));
  } finally {
    cleanup();
  }
});

test('$SPENDGATE_CONFIG is used when there is no --config', () => {
  const { root, cleanup } = tree();
  try {
    writeFileSync(join(root, 'bifrost.yaml'), '');
    assert.equal(locateConfig({ env: { SPENDGATE_CONFIG: '/etc/spendgate/bifrost.yaml' }, cwd: root }), '/etc/spendgate/bifrost.yaml');
  } finally {
    cleanup();
  }
});

test('otherwise bifrost.yaml in the working directory or its nearest parent', () => {
  const { root, deep, cleanup } = tree();
  try {
    writeFileSync(join(root, 'bifrost.yaml'), '');
    assert.equal(locateConfig({ env: {}, cwd: deep }), join(root, 'bifrost.yaml'));
    writeFileSync(join(root, 'a', 'bifrost.yaml'), '');
    assert.equal(locateConfig({ env: { SPENDGATE_CONFIG: '' }, cwd: deep }), join(root, 'a', 'bifrost.yaml'));
    writeFileSync(join(deep, 'bifrost.yaml'), '');
    assert.equal(locateConfig({ env: {}, cwd: deep }), join(deep, 'bifrost.yaml'));
  } finally {
    cleanup();
  }
});

test('a folder named bifrost.yaml is not a config', () => {
  const { root, deep, cleanup } = tree();
  try {
    mkdirSync(join(deep, 'bifrost.yaml'));
    writeFileSync(join(root, 'bifrost.yaml'), '');
    assert.equal(locateConfig({ env: {}, cwd: deep }), join(root, 'bifrost.yaml'));
  } finally {
    cleanup();
  }
});
