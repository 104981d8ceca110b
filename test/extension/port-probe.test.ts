// The extension's port probe against a real engine, an imitation of its /health and a relay: only the real engine of
// this user's data dir is taken for spendgate, and nothing on the port ever receives an admin token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { probePort } from '../../extension/port-probe.js';
import { fourTierConfig } from '../harness/configs.js';
import { removeDir, spawnGateway, tempDir, type SpawnedGateway } from '../harness/gateway.js';

interface SeenRequest {
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** An HTTP server on a free loopback port that records every request and answers with `answer`. */
async function recordingServer(answer: (url: string) => Promise<unknown>): Promise<{ port: number; seen: SeenRequest[]; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      void answer(req.url ?? '').then((json) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** No request carried credentials, and the token's text appears nowhere in what was sent. */
function assertNoSecretReceived(seen: readonly SeenRequest[], token: string): void {
  assert.ok(seen.length > 0, 'the probe did reach the server');
  for (const request of seen) {
    assert.equal(request.headers.authorization, undefined, `no Authorization header on ${request.url}`);
    assert.ok(!JSON.stringify(request).includes(token), `the admin token is not in ${request.url}`);
  }
}

describe('probePort proves the engine on a port before trusting it', () => {
  let gw: SpawnedGateway;
  let tokenFile: string;
  let otherDataDir: string;

  before(async () => {
    gw = await spawnGateway({ config: fourTierConfig('http://127.0.0.1:9') });
    tokenFile = join(gw.dataDir, 'admin-token');
    otherDataDir = await tempDir();
  });

  after(async () => {
    await gw.stop();
    await removeDir(gw.dataDir);
    await removeDir(otherDataDir);
  });

  test('a real spendgate serve started with this data dir is accepted, with the token of that data dir', async () => {
    const owner = await probePort(gw.port, '127.0.0.1', [join(otherDataDir, 'admin-token'), tokenFile]);
    assert.deepEqual(owner, { kind: 'spendgate', version: '0.1.0', adminToken: gw.adminToken });
  });

  test('a real spendgate whose admin token this user cannot read counts as another program', async () => {
    assert.deepEqual(await probePort(gw.port, '127.0.0.1', [join(otherDataDir, 'admin-token')]), { kind: 'other' });
  });

  test('a fake /health that answers like spendgate is rejected and never receives the admin token', async () => {
    const fake = await recordingServer(async () => ({ status: 'ok', service: 'spendgate', version: '0.1.0', proof: 'a'.repeat(64) }));
    try {
      assert.deepEqual(await probePort(fake.port, '127.0.0.1', [tokenFile]), { kind: 'other' });
      assertNoSecretReceived(fake.seen, gw.adminToken);
    } finally {
      await fake.close();
    }
  });

  test('a program that relays the challenge to the real engine on another port is rejected and never receives the token', async () => {
    const relay = await recordingServer(async (url) => (await fetch(`${gw.url}${url}`)).json());
    try {
      assert.deepEqual(await probePort(relay.port, '127.0.0.1', [tokenFile]), { kind: 'other' });
      assert.match(relay.seen[0]?.url ?? '', /^\/health\?challenge=[A-Za-z0-9_-]{43}$/, 'the probe sent only a nonce');
      assertNoSecretReceived(relay.seen, gw.adminToken);
    } finally {
      await relay.close();
    }
  });

  test('GET /health without a challenge still answers the plain shape, and a malformed challenge gets no proof', async () => {
    assert.deepEqual(await (await fetch(`${gw.url}/health`)).json(), { status: 'ok', service: 'spendgate', version: '0.1.0' });
    assert.deepEqual(await (await fetch(`${gw.url}/health?challenge=short`)).json(), { status: 'ok', service: 'spendgate', version: '0.1.0' });
  });
});
