// The JSON of GET /api/reconcile (docs/reconcile.md): snake_case; dollars beside exact micro-dollars, because the drift
// a finance reader checks is a difference of sums where rounding to the cent would hide it.

/** Counts of one side, or of the drift (CloudWatch minus spendgate). */
export interface MeterJson {
  readonly invocations: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_read_tokens: number;
  readonly cache_write_tokens: number;
  readonly total_tokens: number;
}

/** Dollars (exact to the micro-dollar) beside integer micro-dollars; null for an unpriced model. */
export interface MoneyJson {
  readonly usd: number | null;
  readonly micros: number | null;
}

export interface ReconcileRowJson {
  /** YYYY-MM-DD, a UTC day. */
  readonly day: string;
  readonly region: string;
  readonly model_id: string;
  readonly priced_as: string;
  readonly provider_configs: readonly string[];
  readonly spendgate: MeterJson & { readonly cost: MoneyJson };
  readonly cloudwatch: (MeterJson & { readonly cost: MoneyJson }) | null;
  readonly drift: (MeterJson & { readonly cost: MoneyJson }) | null;
  readonly verdict: 'match' | 'calls_only' | 'outside_traffic' | 'not_billed' | 'mixed' | 'cloudwatch_unavailable';
  readonly explanation: string;
}

export interface RatesJson {
  readonly source: string;
  readonly input: number;
  readonly output: number;
  readonly cache_read: number;
  readonly cache_write_5m: number;
  readonly cache_write_1h: number;
}

export interface ReconcileJson {
  readonly from: string;
  readonly to: string;
  readonly regions: readonly string[];
  readonly rows: readonly ReconcileRowJson[];
  readonly pricing: readonly { readonly model: string; readonly spendgate: RatesJson | null; readonly catalog: RatesJson | null; readonly problem: string | null }[];
  readonly totals: {
    readonly rows: number;
    readonly rows_with_drift: number;
    readonly rows_without_cloudwatch: number;
    readonly drift_invocations: number;
    readonly drift_tokens: number;
    readonly spendgate_cost: MoneyJson;
    readonly cloudwatch_cost: MoneyJson;
    readonly drift_cost: MoneyJson;
  };
}
