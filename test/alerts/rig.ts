// Spawned gateways with a team budget priced so one request costs exactly $0.01, and an alerts section.
import { createHmac } from 'node:crypto';
import assert from 'node:assert/strict';
import type { SpawnedGateway } from '../harness/gateway.js';
import type { StatusJson } from '../../proxy/api/wire/index.js';

/** One input token at $10,000 per million tokens: $0.01 a request. */
export const REQUEST_DOLLARS = 0.01;

export function alertConfig(upstreamUrl: string, alerts: string, teamLimit = 0.2): string {
  return `accounts:
  - id: dev
    providers:
      - id: claude
        type: anthropic
        model: metered-model
        base_url: ${upstreamUrl}
        api_key: env.TEST_UPSTREAM_KEY
budgets:
  team:
    - id: ml-engineering
      limit: ${teamLimit}
      period: 1M
  virtual_key:
    - id: dev-a
      team_id: ml-engineering
      limit: 1000
      period: 1M
    - id: dev-b
      team_id: ml-engineering
      limit: 1000
      period: 1M
pricing:
  metered-model: {input: 10000, output: 0}
${alerts}
`;
}

export async function send(gw: SpawnedGateway, key = 'dev-a'): Promise<number> {
  const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ model: 'metered-model', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

export async function sendMany(gw: SpawnedGateway, count: number, key = 'dev-a'): Promise<void> {
  for (let i = 0; i < count; i++) assert.equal(await send(gw, key), 200, `request ${i + 1} is answered`);
}

/** What a receiver does to check a delivery: recompute the HMAC of the raw body and compare in constant time. */
export function signatureOk(body: string, header: string | string[] | undefined, secret: string): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return typeof header === 'string' && header.length === expected.length && createHmac('sha256', 'k').update(header).digest().equals(createHmac('sha256', 'k').update(expected).digest());
}

/** The part of GET /api/status the alert tests read. */
export type AlertsStatus = Pick<StatusJson, 'alerts'>;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
