// GET /api/routing: per account, each provider config's weight, share, state and health.
import type { Services } from './services.js';
import type { RoutingJson } from './wire/index.js';

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

export function routingView(s: Services): RoutingJson {
  return {
    accounts: s.config.accounts.map((account) => {
      const totalWeight = account.providers.reduce((sum, p) => sum + p.weight, 0);
      const traffic = account.providers.map((p) => s.traffic.summary(p.id));
      const hour = traffic.reduce((sum, t) => sum + t.lastHour, 0);
      const today = traffic.reduce((sum, t) => sum + t.today, 0);
      return {
        id: account.id,
        providers: account.providers.map((p, i) => {
          const breaker = s.breakers.state(p.id);
          const limited = s.limits.providerExcluded(p.id);
          const reason = breaker.state === 'open' ? 'circuit open after repeated failures' : (limited ?? s.ledger.providerExcluded(p.id));
          const t = traffic[i];
          return {
            id: p.id,
            type: p.type,
            model: p.model,
            region: p.region ?? null,
            weight: p.weight,
            configured_share: share(p.weight, totalWeight),
            actual_share_1h: share(t.lastHour, hour),
            actual_share_today: share(t.today, today),
            state: breaker.state === 'open' ? 'cooldown' : reason ? 'excluded' : 'eligible',
            reason,
            cooldown_until: breaker.state === 'open' ? new Date(breaker.until).toISOString() : null,
            requests_1h: t.lastHour,
            requests_today: t.today,
            error_rate: Math.round(t.errorRate * 10_000) / 10_000,
            latency_p50_ms: t.p50 === null ? null : Math.round(t.p50),
            latency_p95_ms: t.p95 === null ? null : Math.round(t.p95),
            learned: s.providers[p.type].learnedChanges(p).map((l) => ({ change: l.change, reason: l.reason, learned_at: l.learnedAt })),
          };
        }),
      };
    }),
  };
}
