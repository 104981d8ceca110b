// `npm run demo`: spendgate without credentials. Starts the loopback stand-in for the Anthropic API that the test
// suite uses (port 18089, canned replies with real token counts) and `spendgate serve` on examples/demo/bifrost.yaml
// with its own data dir, .spendgate-demo/ in the checkout, so demo spend and logs never mix with a real gateway's in
// ~/.spendgate. Arguments are passed to serve (e.g. `npm run demo -- --port 8090`). Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startAnthropicUpstream } from '../../test/upstreams/anthropic.js';

const STAND_IN_PORT = 18089;
/** The demo's data dir in the checkout (git-ignored); `spendgate status --data-dir .spendgate-demo` reads it. */
const DATA_DIR = '.spendgate-demo';
const ROOT = join(__dirname, '..', '..');

async function main(): Promise<void> {
  const standIn = await startAnthropicUpstream({ port: STAND_IN_PORT }).catch((err: unknown) => {
    throw new Error(`the demo's stand-in Anthropic API cannot listen on 127.0.0.1:${STAND_IN_PORT}: ${(err as Error).message}`);
  });
  console.error(`demo: a stand-in Anthropic API (canned replies, no model) listens on ${standIn.url}`);
  const cli = join(ROOT, 'dist', 'proxy', 'cli.js');
  // Its own process group: a Ctrl-C reaches only this runner, which passes it on once (a second SIGINT would make
  // serve stop without draining).
  const extra = process.argv.slice(2);
  const dataDir = extra.includes('--data-dir') ? [] : ['--data-dir', join(ROOT, DATA_DIR)];
  const args = [cli, 'serve', '--config', join(ROOT, 'examples', 'demo', 'bifrost.yaml'), ...dataDir, ...extra];
  const gateway = spawn(process.execPath, args, { stdio: 'inherit', detached: true });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => gateway.kill(signal));
  process.on('exit', () => gateway.kill('SIGTERM'));
  gateway.on('exit', (code, signal) => {
    void standIn.close().then(() => process.exit(code ?? (signal ? 1 : 0)));
  });
}

main().catch((err: unknown) => {
  console.error(`demo: ${(err as Error).message}`);
  process.exit(1);
});
