// A minimal loopback Bedrock Runtime for the hardening and fuzz suites: Converse, ConverseStream, InvokeModel and
// InvokeModelWithResponseStream answer a short fixed reply with usage; every request is counted.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventFrame } from '../../proxy/providers/bedrock/eventstream.js';

export interface BedrockUpstream {
  readonly url: string;
  /** How many requests reached each operation, keyed `converse`, `converse-stream`, `invoke`, `invoke-with-response-stream`. */
  readonly calls: Map<string, number>;
  close(): Promise<void>;
}

const INPUT_TOKENS = 11;
const OUTPUT_TOKENS = 3;

function anthropicMessage(model: string): Record<string, unknown> {
  return {
    id: 'msg_bedrock_fake',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: 'fake bedrock reply' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: INPUT_TOKENS, output_tokens: OUTPUT_TOKENS },
  };
}

function chunk(event: Record<string, unknown>): Uint8Array {
  return eventFrame('chunk', { bytes: Buffer.from(JSON.stringify(event)).toString('base64') });
}

function answer(operation: string, model: string, res: http.ServerResponse): void {
  const metrics = { inputTokenCount: INPUT_TOKENS, outputTokenCount: OUTPUT_TOKENS, invocationLatency: 1, firstByteLatency: 1 };
  switch (operation) {
    case 'converse': {
      const body = JSON.stringify({
        output: { message: { role: 'assistant', content: [{ text: 'fake bedrock reply' }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: INPUT_TOKENS, outputTokens: OUTPUT_TOKENS, totalTokens: INPUT_TOKENS + OUTPUT_TOKENS },
        metrics: { latencyMs: 1 },
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
      return;
    }
    case 'invoke':
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-amzn-bedrock-input-token-count': String(INPUT_TOKENS),
        'x-amzn-bedrock-output-token-count': String(OUTPUT_TOKENS),
      });
      res.end(JSON.stringify(anthropicMessage(model)));
      return;
    case 'converse-stream': {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      res.write(eventFrame('messageStart', { role: 'assistant' }));
      res.write(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'fake bedrock reply' } }));
      res.write(eventFrame('contentBlockStop', { contentBlockIndex: 0 }));
      res.write(eventFrame('messageStop', { stopReason: 'end_turn' }));
      res.end(eventFrame('metadata', { usage: { inputTokens: INPUT_TOKENS, outputTokens: OUTPUT_TOKENS, totalTokens: INPUT_TOKENS + OUTPUT_TOKENS }, metrics: { latencyMs: 1 } }));
      return;
    }
    case 'invoke-with-response-stream': {
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' });
      const message = anthropicMessage(model);
      res.write(chunk({ type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { input_tokens: INPUT_TOKENS, output_tokens: 1 } } }));
      res.write(chunk({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
      res.write(chunk({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'fake bedrock reply' } }));
      res.write(chunk({ type: 'content_block_stop', index: 0 }));
      res.write(chunk({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: OUTPUT_TOKENS } }));
      res.end(chunk({ type: 'message_stop', 'amazon-bedrock-invocationMetrics': metrics }));
      return;
    }
  }
  res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' });
  res.end(JSON.stringify({ message: `unknown operation ${operation}` }));
}

export async function startBedrockUpstream(): Promise<BedrockUpstream> {
  const calls = new Map<string, number>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const match = /^\/model\/([^/]+)\/([a-z-]+)$/.exec(new URL(req.url ?? '/', 'http://bedrock.test').pathname);
      const operation = match?.[2] ?? 'unknown';
      calls.set(operation, (calls.get(operation) ?? 0) + 1);
      answer(operation, match ? decodeURIComponent(match[1]) : 'unknown', res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
