// A gateway that claims a lease on a team tier, reports it, and then hangs until the parent kills it.
import { openStore } from '../../proxy/store/open.js';
import type { TierPeriod } from '../../proxy/store/quota.js';

async function main(): Promise<void> {
  const [url, limit] = process.argv.slice(2);
  const store = await openStore({
    url,
    dataDir: '/unused',
    gatewayId: 'doomed',
    lease: { ttlMs: 1_500, heartbeatMs: 300, fraction: 1, floorMicros: 1 },
  });
  const tier: TierPeriod = { tier: 'team', id: 'platform', periodStart: Date.UTC(2025, 5, 1), limitMicros: Number(limit) };
  const granted = await store.quota?.ready(tier);
  process.stdout.write(`${granted}\n`);
  // Keep heartbeating until SIGKILL: the lease is live exactly as long as this process is.
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
