// Reads a gateway's GET /metrics through parse-prometheus-text-format (the package ships no type declarations).
import assert from 'node:assert/strict';

export interface PromSample {
  readonly value?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly buckets?: Readonly<Record<string, string>>;
  readonly count?: string;
  readonly sum?: string;
}

export interface PromFamily {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly metrics: readonly PromSample[];
}

const parsePrometheus = require('parse-prometheus-text-format') as (text: string) => PromFamily[];

export interface Scrape {
  readonly text: string;
  readonly families: readonly PromFamily[];
}

export async function scrape(gatewayUrl: string): Promise<Scrape> {
  const res = await fetch(`${gatewayUrl}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  return { text, families: parsePrometheus(text) };
}

export function family(s: Scrape, name: string): PromFamily {
  const f = s.families.find((x) => x.name === name);
  assert.ok(f, `metric ${name} is exposed`);
  return f;
}

/** The sum of every sample's value in a counter or gauge family (0 when it has no samples yet). */
export function total(s: Scrape, name: string): number {
  return family(s, name).metrics.reduce((sum, m) => sum + Number(m.value), 0);
}
