// Quota leases on the PostgreSQL team ledger: claim slices atomically, spend them locally, heartbeat, return.
import type pg from 'pg';
import type { TierKind } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { StoreLog } from './journal.js';
import { needsRenewal, sliceSize, type LeaseOptions } from './lease-math.js';
import type { TierPeriod } from './quota.js';
import type { Charge, LeaseQuota } from './store.js';

export type { LeaseOptions } from './lease-math.js';

interface LocalLease {
  t: TierPeriod;
  /** What this gateway may still commit: granted − spent, spent counting settled-but-uncommitted charges. */
  unspent: number;
  /** Charges settled against the lease by this process, and the part of them committed to the database. */
  spentLocally: number;
  committedLocally: number;
  lastSlice: number;
  /** Local clock time after which the lease may have lapsed on the database (no heartbeat since). */
  validUntil: number;
  lastUsed: number;
  retryAt: number;
  claiming: Promise<void> | undefined;
  globalSpent: number | null;
}

const key = (tier: TierKind, id: string, periodStart: number) => `${tier}\u0000${id}\u0000${periodStart}`;

/** Runs a task with no commit in flight, so local and database lease counters are compared at rest. */
export type Exclusive = <R>(task: () => Promise<R>) => Promise<R>;

/**
 * The team ledger's SharedQuota. The invariant every claim keeps, under the tier-period's row lock:
 * committed spend + Σ unspent parts of live leases ≤ limit. A gateway only admits requests while its
 * own unspent lease covers its reservations, so the shared limit holds within one request per gateway.
 * A gateway that dies stops heartbeating; once its lease expires the unspent part drops out of the sum
 * and is claimable again. A gateway treats its own lease as void a safety margin before it could have
 * expired on the database, so a lapsed lease is never spent twice.
 */
export class PgLeases implements LeaseQuota {
  private readonly leases = new Map<string, LocalLease>();
  private readonly heartbeat: NodeJS.Timeout;
  private beating: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly exclusive: Exclusive,
    private readonly gatewayId: string,
    private readonly clock: Clock,
    private readonly log: StoreLog,
    private readonly opts: LeaseOptions,
  ) {
    this.heartbeat = setInterval(() => {
      this.beating ??= this.beat().finally(() => (this.beating = undefined));
    }, opts.heartbeatMs);
    this.heartbeat.unref();
  }

  available(t: TierPeriod): number | null {
    if (!this.opts.sharedTiers.includes(t.tier)) return null;
    const lease = this.lease(t);
    const now = this.clock.now();
    lease.lastUsed = now;
    const usable = now < lease.validUntil ? Math.max(0, lease.unspent) : 0;
    if ((usable === 0 || needsRenewal(lease.unspent, lease.lastSlice)) && now >= lease.retryAt) this.claimInBackground(lease);
    return usable;
  }

  spend(t: TierPeriod, micros: number): void {
    if (!this.opts.sharedTiers.includes(t.tier)) return;
    const lease = this.lease(t);
    lease.unspent -= micros;
    lease.spentLocally += micros;
    if (needsRenewal(lease.unspent, lease.lastSlice) && this.clock.now() >= lease.retryAt) this.claimInBackground(lease);
  }

  globalSpent(t: TierPeriod): number | null {
    if (!this.opts.sharedTiers.includes(t.tier)) return null;
    const lease = this.leases.get(key(t.tier, t.id, t.periodStart));
    if (lease === undefined || lease.globalSpent === null) return null;
    return lease.globalSpent + lease.spentLocally - lease.committedLocally;
  }

  async ready(t: TierPeriod): Promise<number | null> {
    if (!this.opts.sharedTiers.includes(t.tier)) return null;
    const lease = this.lease(t);
    await (lease.claiming ?? this.claim(lease));
    return this.available(t);
  }

  /** The store committed these charges (inside its commit transaction the lease rows were updated). */
  committed(charges: readonly Charge[]): void {
    for (const c of charges) {
      const lease = this.leases.get(key(c.tier, c.id, c.periodStart));
      if (lease !== undefined) lease.committedLocally += c.micros;
    }
  }

  /** Stop heartbeating and hand every unspent lease back. Call after the last commit. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    await Promise.allSettled([this.beating, ...[...this.leases.values()].map((l) => l.claiming)]);
    const returned = await this.pool.query<{ tier: string; id: string; period_start: string }>(
      'DELETE FROM leases WHERE gateway_id = $1 RETURNING tier, id, period_start',
      [this.gatewayId],
    );
    for (const row of returned.rows) await this.refreshLeasedTotal(this.pool, row.tier, row.id, row.period_start);
    this.leases.clear();
  }

  private lease(t: TierPeriod): LocalLease {
    const k = key(t.tier, t.id, t.periodStart);
    let lease = this.leases.get(k);
    if (lease === undefined) {
      lease = { t, unspent: 0, spentLocally: 0, committedLocally: 0, lastSlice: 0, validUntil: 0, lastUsed: this.clock.now(), retryAt: 0, claiming: undefined, globalSpent: null };
      this.leases.set(k, lease);
    }
    lease.t = t;
    return lease;
  }

  private claimInBackground(lease: LocalLease): void {
    if (lease.claiming !== undefined || this.closed) return;
    void this.claim(lease);
  }

  private claim(lease: LocalLease): Promise<void> {
    lease.claiming = this.exclusive(() => this.claimNow(lease))
      .catch((err: unknown) => {
        lease.retryAt = this.clock.now() + this.opts.retryMs;
        this.log({ level: 'warn', event: 'lease_claim_failed', tier: lease.t.tier, id: lease.t.id, message: (err as Error).message });
      })
      .finally(() => (lease.claiming = undefined));
    return lease.claiming;
  }

  /** One transaction under the tier-period's row lock: read the ledger, grant a slice, extend the lease. */
  private async claimNow(lease: LocalLease): Promise<void> {
    const { tier, id, periodStart, limitMicros } = lease.t;
    const startedAt = this.clock.now();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO budget_state (tier, id, period_start, limit_micros, spent_micros, leased_micros) VALUES ($1, $2, $3, $4, 0, 0)
         ON CONFLICT (tier, id, period_start) DO UPDATE SET limit_micros = EXCLUDED.limit_micros`,
        [tier, id, periodStart, limitMicros],
      );
      await client.query(
        'DELETE FROM leases WHERE tier = $1 AND id = $2 AND period_start = $3 AND gateway_id <> $4 AND expires_at <= now()',
        [tier, id, periodStart, this.gatewayId],
      );
      // One statement, one snapshot: spend and leases are read consistently with each other.
      const { rows } = await client.query<{ spent: string; others: string; holders: string; mine_granted: string | null; mine_spent: string | null; mine_live: boolean | null }>(
        `SELECT
           COALESCE((SELECT spent_micros FROM spend WHERE tier = $1 AND id = $2 AND period_start = $3), 0) AS spent,
           COALESCE((SELECT SUM(GREATEST(granted_micros - spent_micros, 0)) FROM leases
                     WHERE tier = $1 AND id = $2 AND period_start = $3 AND gateway_id <> $4 AND expires_at > now()), 0) AS others,
           (SELECT COUNT(*) FROM leases WHERE tier = $1 AND id = $2 AND period_start = $3 AND gateway_id <> $4
                                          AND expires_at > now() AND granted_micros > spent_micros) AS holders,
           m.granted_micros AS mine_granted, m.spent_micros AS mine_spent, m.expires_at > now() AS mine_live
         FROM (SELECT 1) AS one
         LEFT JOIN leases m ON m.gateway_id = $4 AND m.tier = $1 AND m.id = $2 AND m.period_start = $3`,
        [tier, id, periodStart, this.gatewayId],
      );
      const r = rows[0];
      const spent = Number(r.spent);
      const mineSpent = r.mine_spent === null ? 0 : Number(r.mine_spent);
      const mineUnspent = r.mine_live === true ? Math.max(0, Number(r.mine_granted) - mineSpent) : 0;
      const others = Number(r.others);
      const slice = sliceSize(
        { limitMicros, spentMicros: spent, leasedMicros: others + mineUnspent, otherHolders: Number(r.holders) },
        this.opts,
      );
      const granted = mineSpent + mineUnspent + slice;
      await client.query(
        `INSERT INTO leases (gateway_id, tier, id, period_start, granted_micros, spent_micros, expires_at)
         VALUES ($1, $2, $3, $4, $5, 0, now() + make_interval(secs => $6))
         ON CONFLICT (gateway_id, tier, id, period_start)
         DO UPDATE SET granted_micros = EXCLUDED.granted_micros, expires_at = EXCLUDED.expires_at`,
        [this.gatewayId, tier, id, periodStart, granted, this.opts.ttlMs / 1000],
      );
      await client.query(
        'UPDATE budget_state SET spent_micros = $4, leased_micros = $5 WHERE tier = $1 AND id = $2 AND period_start = $3',
        [tier, id, periodStart, spent, others + mineUnspent + slice],
      );
      await client.query('COMMIT');
      // No commit is in flight (exclusive), so committedLocally matches the database's view of this lease.
      const pending = lease.spentLocally - lease.committedLocally;
      lease.unspent = granted - mineSpent - pending;
      lease.lastSlice = slice;
      lease.globalSpent = spent;
      lease.validUntil = startedAt + this.opts.ttlMs - this.safetyMargin();
      lease.retryAt = slice === 0 ? this.clock.now() + this.opts.retryMs : 0;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Renew every live lease, learn which lapsed, refresh global spend, hand back idle leases. */
  private async beat(): Promise<void> {
    if (this.leases.size === 0) return;
    const startedAt = this.clock.now();
    try {
      const idle = [...this.leases.entries()].filter(
        ([, l]) => startedAt - l.lastUsed > this.opts.idleMs && l.claiming === undefined && l.spentLocally === l.committedLocally,
      );
      for (const [k, l] of idle) {
        this.leases.delete(k);
        await this.pool.query('DELETE FROM leases WHERE gateway_id = $1 AND tier = $2 AND id = $3 AND period_start = $4', [
          this.gatewayId, l.t.tier, l.t.id, l.t.periodStart,
        ]);
        await this.refreshLeasedTotal(this.pool, l.t.tier, l.t.id, String(l.t.periodStart));
      }
      const renewed = await this.pool.query<{ tier: TierKind; id: string; period_start: string; global_spent: string | null }>(
        `UPDATE leases l SET expires_at = now() + make_interval(secs => $2)
         WHERE l.gateway_id = $1 AND l.expires_at > now()
         RETURNING l.tier, l.id, l.period_start,
           (SELECT s.spent_micros FROM spend s WHERE s.tier = l.tier AND s.id = l.id AND s.period_start = l.period_start) AS global_spent`,
        [this.gatewayId, this.opts.ttlMs / 1000],
      );
      const live = new Set<string>();
      for (const row of renewed.rows) {
        const k = key(row.tier, row.id, Number(row.period_start));
        live.add(k);
        const lease = this.leases.get(k);
        if (lease === undefined) continue;
        lease.validUntil = startedAt + this.opts.ttlMs - this.safetyMargin();
        lease.globalSpent = row.global_spent === null ? 0 : Number(row.global_spent);
      }
      for (const [k, lease] of this.leases) {
        if (live.has(k) || lease.claiming !== undefined || lease.validUntil === 0) continue;
        // Lapsed on the database (we were too slow, or someone reclaimed it): nothing left to spend.
        lease.unspent = Math.min(lease.unspent, 0);
        lease.validUntil = 0;
        this.log({ level: 'warn', event: 'lease_lapsed', tier: lease.t.tier, id: lease.t.id });
      }
    } catch (err) {
      this.log({ level: 'warn', event: 'lease_heartbeat_failed', message: (err as Error).message });
    }
  }

  /** Stop spending a lease this long before the database could consider it expired (clock skew, latency). */
  private safetyMargin(): number {
    return Math.min(this.opts.heartbeatMs, this.opts.ttlMs / 4);
  }

  private async refreshLeasedTotal(db: pg.Pool | pg.PoolClient, tier: string, id: string, periodStart: string): Promise<void> {
    await db.query(
      `UPDATE budget_state b SET leased_micros = COALESCE((SELECT SUM(GREATEST(l.granted_micros - l.spent_micros, 0)) FROM leases l
         WHERE l.tier = b.tier AND l.id = b.id AND l.period_start = b.period_start AND l.expires_at > now()), 0)
       WHERE b.tier = $1 AND b.id = $2 AND b.period_start = $3`,
      [tier, id, periodStart],
    );
  }
}
