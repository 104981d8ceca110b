// Hostile client requests for every client route: bodies (poisoned, deep, huge, raw literals, bad bytes), content types,
// credentials and headers — and what a clear answer in each route's own protocol looks like.
import fc from 'fast-check';
import type { Answer } from '../hardening/http-client.js';
import { deeplyNestedJson, hostileBytes, hostileJson, hostileKey, hostileString, EDGE_NUMBERS, NUMBER_LIKE_STRINGS, RAW_NUMBER_LITERALS } from './adversarial.js';

export type Protocol = 'anthropic' | 'openai' | 'bedrock';

export interface FuzzRoute {
  readonly name: string;
  readonly protocol: Protocol;
  /** Path for a given (possibly hostile) model id; only Bedrock puts the model in the path. */
  readonly path: (model: string) => string;
  readonly base: () => Record<string, unknown>;
  readonly streaming: boolean;
}

const CLAUDE = 'claude-sonnet-4-20250514';
const BEDROCK_CLAUDE = 'anthropic.claude-sonnet-4-20250514-v1:0';

const anthropicBody = () => ({ model: CLAUDE, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
const converseBody = () => ({ messages: [{ role: 'user', content: [{ text: 'hi' }] }], inferenceConfig: { maxTokens: 16 } });
const invokeBody = () => ({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
/** Percent-encodes the model's UTF-8 bytes (a lone surrogate becomes U+FFFD rather than throwing like encodeURIComponent). */
function pathSegment(model: string): string {
  return [...Buffer.from(model, 'utf8')].map((b) => (/[A-Za-z0-9._~:-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}
const bedrockPath = (operation: string) => (model: string) => `/bedrock/model/${pathSegment(model)}/${operation}`;

export const FUZZ_ROUTES: readonly FuzzRoute[] = [
  { name: 'anthropic messages', protocol: 'anthropic', path: () => '/anthropic/v1/messages', base: anthropicBody, streaming: false },
  { name: 'anthropic messages (stream)', protocol: 'anthropic', path: () => '/anthropic/v1/messages?beta=true', base: () => ({ ...anthropicBody(), stream: true }), streaming: true },
  { name: 'anthropic count_tokens', protocol: 'anthropic', path: () => '/anthropic/v1/messages/count_tokens', base: () => ({ model: CLAUDE, messages: [{ role: 'user', content: 'hi' }] }), streaming: false },
  { name: 'openai chat', protocol: 'openai', path: () => '/openai/v1/chat/completions', base: () => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }), streaming: false },
  { name: 'openai chat (stream)', protocol: 'openai', path: () => '/openai/v1/chat/completions', base: () => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true }), streaming: true },
  { name: 'openai responses', protocol: 'openai', path: () => '/openai/v1/responses', base: () => ({ model: 'gpt-4o-mini', input: 'hi', store: false }), streaming: false },
  { name: 'openai responses (stream)', protocol: 'openai', path: () => '/openai/v1/responses', base: () => ({ model: 'gpt-4o-mini', input: [{ role: 'user', content: 'hi' }], stream: true }), streaming: true },
  { name: 'openai responses (Claude on Bedrock)', protocol: 'openai', path: () => '/openai/v1/responses', base: () => ({ model: CLAUDE, input: 'hi', max_output_tokens: 16 }), streaming: false },
  { name: 'openai responses compact', protocol: 'openai', path: () => '/openai/v1/responses/compact', base: () => ({ model: 'gpt-4o-mini', input: [{ role: 'user', content: 'hi' }] }), streaming: false },
  { name: 'bedrock converse', protocol: 'bedrock', path: bedrockPath('converse'), base: converseBody, streaming: false },
  { name: 'bedrock converse-stream', protocol: 'bedrock', path: bedrockPath('converse-stream'), base: converseBody, streaming: true },
  { name: 'bedrock invoke', protocol: 'bedrock', path: bedrockPath('invoke'), base: invokeBody, streaming: false },
  { name: 'bedrock invoke-with-response-stream', protocol: 'bedrock', path: bedrockPath('invoke-with-response-stream'), base: invokeBody, streaming: true },
];

export interface FuzzRequest {
  readonly model: string;
  readonly body: Uint8Array;
  readonly headers: Record<string, string>;
  /** A short description of how the body was made, for failure reports. */
  readonly kind: string;
}

/** Header-safe text (what node:http lets a client send): printable ASCII only. */
const headerText = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/vnd.amazon.eventstream',
  'application/xml',
  '*/*',
  '',
] as const;

const credentialHeaders = (key: string): fc.Arbitrary<Record<string, string>> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom<Record<string, string>>({ 'x-api-key': key }, { authorization: `Bearer ${key}` }, { 'x-bf-vk': key }) },
    { weight: 1, arbitrary: fc.constant<Record<string, string>>({}) },
    { weight: 1, arbitrary: headerText(60).map((k) => ({ 'x-api-key': k })) },
    { weight: 1, arbitrary: headerText(60).map((k) => ({ authorization: k })) },
    { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ authorization: 'Bearer' }, { authorization: 'Bearer  ' }, { authorization: `Basic ${key}` }, { 'x-api-key': '' }) },
  );

const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'anthropic-version': fc.oneof(fc.constant('2023-06-01'), headerText(40)),
    'anthropic-beta': fc.oneof(fc.constant('prompt-caching-2024-07-31,unknown-beta-xyz'), headerText(200)),
    'x-spendgate-tags': fc.oneof(fc.constant('team=ml,env=dev'), headerText(300), fc.constantFrom('__proto__=1', 'constructor=x,prototype=y', '=,=,=', ',,,')),
    accept: fc.constantFrom('application/json', 'text/event-stream', '*/*', 'application/vnd.amazon.eventstream'),
    'accept-encoding': fc.constantFrom('gzip', 'br', 'identity', 'x-unknown'),
  },
  { requiredKeys: [] },
);

type Path = readonly (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const here: Path[] = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return here;
}

const poison = fc.oneof(
  fc.constantFrom(...EDGE_NUMBERS),
  fc.constantFrom(...NUMBER_LIKE_STRINGS),
  fc.constantFrom(null, true, false, [], {}, [[[]]], { type: 'text' }, { role: 'system' }),
  hostileString(3000),
  hostileJson({ maxDepth: 4, maxString: 300 }),
);

interface Mutation {
  /** Which of the base body's paths to touch (modulo their count). */
  readonly pick: number;
  readonly op: 'set' | 'delete' | 'addKey';
  readonly key: string;
  readonly value: unknown;
}

/** Applies mutations to a fresh base body (values cloned: fast-check shares constant objects between cases); hostile keys become own data properties, as JSON.parse would make them. */
function mutate(base: Record<string, unknown>, mutations: readonly Mutation[]): unknown {
  const paths = pathsOf(base);
  let root: unknown = base;
  for (const m of mutations) {
    const path = paths[m.pick % paths.length];
    if (path.length === 0) {
      if (m.op === 'set') root = structuredClone(m.value);
      continue;
    }
    let parent: unknown = root;
    for (const step of path.slice(0, -1)) parent = parent !== null && typeof parent === 'object' ? (parent as Record<string | number, unknown>)[step] : undefined;
    if (parent === null || typeof parent !== 'object') continue;
    const target = parent as Record<string | number, unknown>;
    const last = path[path.length - 1];
    if (m.op === 'delete') delete target[last];
    else if (m.op === 'set') Object.defineProperty(target, last, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
    else Object.defineProperty(target, m.key, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
  }
  return root;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('set', 'set', 'delete', 'addKey'),
  key: hostileKey(),
  value: poison,
});

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

function bodyArbitrary(route: FuzzRoute, maxDepth: number, maxHuge: number): fc.Arbitrary<{ body: Uint8Array; kind: string }> {
  const baseText = () => JSON.stringify(route.base());
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant({ body: utf8(baseText()), kind: 'valid' }) },
    { weight: 6, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 3 }).map((ms) => ({ body: utf8(JSON.stringify(mutate(route.base(), ms)) ?? 'undefined'), kind: 'mutated' })) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...RAW_NUMBER_LITERALS, '"\\ud800"', '"\\u0000"', 'NaN', 'Infinity', '-Infinity', 'undefined', '0x10'), fc.constantFrom('max_tokens', 'messages', 'model', 'stream', 'temperature')).map(([literal, field]) => {
        const body = route.base();
        body[field] = '__RAW__';
        return { body: utf8(JSON.stringify(body).replace('"__RAW__"', literal)), kind: `raw ${field}=${literal}` };
      }),
    },
    {
      weight: 2,
      arbitrary: deeplyNestedJson(maxDepth).map((deep) => {
        const body = route.base();
        body.messages = '__DEEP__';
        return { body: utf8(JSON.stringify(body).replace('"__DEEP__"', `[{"role":"user","content":${deep}}]`)), kind: `deep ${deep.length / 2}` };
      }),
    },
    { weight: 1, arbitrary: deeplyNestedJson(maxDepth).map((deep) => ({ body: utf8(deep), kind: 'deep top-level' })) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1024, max: maxHuge }).map((size) => {
        const body = route.base();
        body.messages = [{ role: 'user', content: 'é'.repeat(size / 2) }];
        return { body: utf8(JSON.stringify(body)), kind: `huge ${size}` };
      }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...(['__proto__', 'constructor', 'prototype'] as const)).map((key) => {
        const text = baseText().replace(/^\{/, `{"${key}":{"stream":true,"max_tokens":-1,"polluted":1,"model":"x"},`);
        return { body: utf8(text), kind: `prototype key ${key}` };
      }),
    },
    { weight: 2, arbitrary: hostileBytes(3000).map((body) => ({ body, kind: 'bytes' })) },
    { weight: 2, arbitrary: hostileJson({ maxDepth: 4, maxString: 500 }).map((v) => ({ body: utf8(JSON.stringify(v) ?? ''), kind: 'hostile json' })) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '{}', '[]', 'null', '""', '0', '{"model":null}', '{"messages":{}}', '{"a":1,"a":2}').map((t) => ({ body: utf8(t), kind: `literal ${t}` })) },
  );
}

const MODELS_FOR_PATH = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(BEDROCK_CLAUDE, CLAUDE, 'auto', 'bedrock-claude') },
  { weight: 1, arbitrary: hostileString(200) },
  { weight: 1, arbitrary: fc.constantFrom('..', '%2e%2e', 'a/b', 'x\r\ny', '\u0000', ' ') },
);

export function fuzzRequestArbitrary(route: FuzzRoute, key: string, options: { readonly maxDepth: number; readonly maxHuge: number }): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      model: route.protocol === 'bedrock' ? MODELS_FOR_PATH : fc.constant(''),
      body: bodyArbitrary(route, options.maxDepth, options.maxHuge),
      contentType: fc.oneof({ weight: 4, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
      credentials: credentialHeaders(key),
      extra: extraHeaders,
    })
    .map(({ model, body, contentType, credentials, extra }) => ({
      model,
      body: body.body,
      kind: body.kind,
      headers: { ...(contentType === '' ? {} : { 'content-type': contentType }), ...credentials, ...extra },
    }));
}

function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isText = (v: unknown) => typeof v === 'string' && v.length > 0;

/** The error body's message in the protocol's own shape, or undefined when the shape is wrong. */
export function errorMessage(protocol: Protocol, answer: Answer): string | undefined {
  const json = parseJsonObject(answer.body);
  if (!json) return undefined;
  switch (protocol) {
    case 'anthropic': {
      const error = json.error as Record<string, unknown> | undefined;
      return json.type === 'error' && error && isText(error.type) && isText(error.message) ? (error.message as string) : undefined;
    }
    case 'openai': {
      const error = json.error as Record<string, unknown> | undefined;
      return error && isText(error.message) && isText(error.type) && isText(error.code) ? (error.message as string) : undefined;
    }
    case 'bedrock':
      return isText(answer.headers['x-amzn-errortype']) && isText(json.message) ? (json.message as string) : undefined;
  }
}

/** Statuses a hostile request may get: a clear client error, or an upstream failure reported as one. */
const CLIENT_ERRORS = new Set([400, 401, 402, 403, 404, 413, 415, 429]);

/** What is wrong with the gateway's answer to a hostile request, or undefined when it is a clear one. */
export function answerProblem(route: FuzzRoute, answer: Answer): string | undefined {
  if (answer.status >= 200 && answer.status < 300) {
    const type = String(answer.headers['content-type'] ?? '');
    if (/event-stream|eventstream/.test(type)) return answer.body.length > 0 ? undefined : 'empty stream';
    return parseJsonObject(answer.body) ? undefined : `2xx with a body that is not a JSON object: ${answer.body.subarray(0, 200).toString()}`;
  }
  const message = errorMessage(route.protocol, answer);
  if (message === undefined) return `HTTP ${answer.status} not in the ${route.protocol} error shape: ${answer.body.subarray(0, 300).toString()}`;
  if (CLIENT_ERRORS.has(answer.status)) return undefined;
  if (answer.status >= 500 && answer.headers['x-spendgate-error-code'] === 'upstream_error' && !/^internal error/.test(message)) return undefined;
  return `HTTP ${answer.status} (${String(answer.headers['x-spendgate-error-code'])}): ${message}`;
}
