// The benchmark's upstream process: the loopback Anthropic test upstream answering every request at once,
// a small fixed JSON message or an SSE stream of 50 events. Run: node --import tsx bench/upstream.ts
import { parseJsonBytes } from '../proxy/core/json-bytes.js';
import { startAnthropicUpstream } from '../test/upstreams/anthropic.js';

/** Content deltas per stream; the Messages stream adds six framing events (start, block start, ping, block stop, delta, stop). */
export const STREAM_DELTAS = 44;
export const STREAM_EVENTS = STREAM_DELTAS + 6;

/** Five characters per delta, so splitting it into STREAM_DELTAS pieces yields exactly that many. */
const REPLY_TEXT = Array.from({ length: STREAM_DELTAS }, (_, i) => `w${String(i).padStart(3, '0')} `).join('');

async function main(): Promise<void> {
  // The bench sends millions of requests: the upstream keeps none of them, and reads their bodies the way the
  // gateway does (turning Claude Code's 87 KB body into UTF-16 text for JSON.parse cost ~300 us a request, on the
  // cores the gateway under measurement uses).
  const upstream = await startAnthropicUpstream({ record: false, parseJson: parseJsonBytes });
  upstream.setDefault({ text: REPLY_TEXT, deltas: STREAM_DELTAS, inputTokens: 24, outputTokens: STREAM_DELTAS });
  process.stdout.write(`upstream listening on ${upstream.url}\n`);
  const stop = (): void => {
    upstream.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`upstream close failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
