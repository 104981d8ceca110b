// The configuration reference (docs/configuration.md) and the editor's JSON Schema (docs/bifrost.schema.json) are
// checked against the zod schema the loader uses: a key added to one and not the others fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import type { z } from 'zod';
import { fileSchema } from '../../proxy/config/schema.js';
import { loadConfigText } from '../../proxy/config/load.js';

const ROOT = join(__dirname, '..', '..');
const REFERENCE = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
const JSON_SCHEMA: JsonSchema = JSON.parse(readFileSync(join(ROOT, 'docs', 'bifrost.schema.json'), 'utf8'));

interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
}

/** The zod internals the walk reads (zod 4 keeps a schema's definition under `_zod.def`). */
interface ZodDef {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly catchall?: z.ZodType;
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
}

function defOf(schema: z.ZodType): ZodDef {
  return (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
}

/** Every key path the loader accepts: `accounts[].providers[].id`, `pricing.*.input` for a model's prices. */
function zodPaths(schema: z.ZodType, prefix: string): string[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const own = Object.entries(def.shape ?? {}).flatMap(([key, child]) => {
        const path = prefix === '' ? key : `${prefix}.${key}`;
        const below = zodPaths(child, path);
        return below.length === 0 ? [path] : [path, ...below];
      });
      const catchall = def.catchall !== undefined && defOf(def.catchall).type !== 'never' && defOf(def.catchall).type !== 'unknown'
        ? zodPaths(def.catchall, `${prefix}.*`)
        : [];
      return [...own, ...catchall];
    }
    case 'pipe':
      return [...new Set([...zodPaths(def.in as z.ZodType, prefix), ...zodPaths(def.out as z.ZodType, prefix)])];
    case 'optional':
    case 'nullable':
    case 'default':
      return zodPaths(def.innerType as z.ZodType, prefix);
    case 'array':
      return zodPaths(def.element as z.ZodType, `${prefix}[]`);
    default:
      return [];
  }
}

function jsonPaths(schema: JsonSchema, prefix: string): string[] {
  const own = Object.entries(schema.properties ?? {}).flatMap(([key, child]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [path, ...jsonPaths(child, path)];
  });
  const items = schema.items === undefined ? [] : jsonPaths(schema.items, `${prefix}[]`);
  const extra = typeof schema.additionalProperties === 'object' ? jsonPaths(schema.additionalProperties, `${prefix}.*`) : [];
  return [...own, ...items, ...extra];
}

/** A key path's container paths are implied by its leaves; compare leaves and containers alike, sorted. */
const LOADER_PATHS = [...new Set(zodPaths(fileSchema, ''))].sort();

test('the JSON Schema names exactly the keys the loader accepts', () => {
  assert.deepEqual([...new Set(jsonPaths(JSON_SCHEMA, ''))].sort(), LOADER_PATHS);
});

/** The reference's text under `## SECTION`, up to the next section. */
function section(name: string): string {
  const start = REFERENCE.indexOf(`\n## ${name}\n`);
  assert.ok(start >= 0, `docs/configuration.md has a section "## ${name}"`);
  const end = REFERENCE.indexOf('\n## ', start + 1);
  return REFERENCE.slice(start, end === -1 ? undefined : end);
}

test('the reference documents every key in its section', () => {
  const missing = LOADER_PATHS.filter((path) => {
    const top = path.split(/[.[]/)[0];
    const key = (path.split('.').at(-1) ?? path).replace('[]', '');
    return key !== '*' && !new RegExp(`(^|[^A-Za-z0-9_])${key}([^A-Za-z0-9_]|$)`).test(section(top));
  });
  assert.deepEqual(missing, []);
});

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(JSON_SCHEMA);

function examplesIn(markdown: string): string[] {
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
}

test('the team fixture, the example config and the reference\'s full example pass the JSON Schema and the loader', () => {
  const [fullExample] = examplesIn(REFERENCE);
  const texts: [string, string][] = [
    ['examples/bifrost.yaml', readFileSync(join(ROOT, 'examples', 'bifrost.yaml'), 'utf8')],
    ['shared fixture', readFileSync(join(ROOT, '..', 'shared', 'fixtures', 'bifrost.yaml'), 'utf8')],
    ['docs/configuration.md first example', fullExample],
  ];
  for (const [name, text] of texts) {
    assert.ok(validate(parse(text)), `${name}: ${ajv.errorsText(validate.errors)}`);
    const loaded = loadConfigText(text, name);
    assert.ok(loaded.ok, `${name}: ${loaded.ok ? '' : loaded.problems.map((p) => p.message).join('; ')}`);
  }
});

test('every section example in the reference passes the JSON Schema', () => {
  for (const [i, text] of examplesIn(REFERENCE).entries()) {
    assert.ok(validate(parse(text)), `example ${i + 1}: ${ajv.errorsText(validate.errors)}`);
  }
});

test('the JSON Schema refuses what the loader refuses: a literal provider key, an unknown section key, a bad period', () => {
  const bad = [
    'accounts: [{id: a, providers: [{id: p, type: anthropic, model: m, api_key: sk-ant-literal}]}]',
    'routing: {retry: 2}',
    'budgets: {team: [{id: t, limit: 5, period: 3x}]}',
  ];
  for (const text of bad) {
    assert.equal(validate(parse(text)), false, text);
    assert.equal(loadConfigText(text, 'bad.yaml').ok, false, text);
  }
});
