// Plain-language advice drawn from a prompt-cache report: what caching saved and where it is wasted.
import { dollarsToMicros } from '../pricing/money.js';
import type { PriceBook } from '../pricing/price-book.js';
import type { CacheUsage } from './cache-report.js';
import { percentText, usd } from './wording.js';

/** Write money below this is too little to advise on (micro-dollars). */
const MIN_WRITE_COST_MICROS = 10_000;
/** Advise on never-read writes from this share of the write cost whose outcome is known. */
const UNREAD_RATIO_HINT = 0.5;
/** Advise on a model's low cache use only past this many prompt tokens and requests. */
const MIN_PROMPT_TOKENS = 100_000;
const MIN_REQUESTS = 10;
const LOW_READ_RATIO = 0.1;

const money = (dollars: number) => usd(dollarsToMicros(dollars));

export function cacheHints(
  total: CacheUsage,
  byModel: readonly (CacheUsage & { readonly model: string })[],
  prices: PriceBook,
  scan: { readonly truncated: boolean; readonly scanned_rows: number },
): string[] {
  const hints: string[] = [];
  if (total.saved > 0) {
    const net = total.write_premium > 0 ? `; ${money(total.net_saving)} net of the ${money(total.write_premium)} cache-write premium` : '';
    hints.push(`cache reads saved ${money(total.saved)} in this range${net}`);
  }
  for (const m of byModel) {
    if (m.unread_write_5m_ratio !== null && m.unread_write_5m_ratio >= UNREAD_RATIO_HINT && dollarsToMicros(m.unread_write_5m_cost) >= MIN_WRITE_COST_MICROS) {
      hints.push(
        `${percentText(m.unread_write_5m_ratio)} of cache writes on ${m.model} (${money(m.unread_write_5m_cost)}) were never read back within 5 minutes: consider dropping cache_control on short sessions`,
      );
    }
    if (m.unread_write_1h_ratio !== null && m.unread_write_1h_ratio >= UNREAD_RATIO_HINT && dollarsToMicros(m.unread_write_1h_cost) >= MIN_WRITE_COST_MICROS) {
      hints.push(
        `${percentText(m.unread_write_1h_ratio)} of 1-hour cache writes on ${m.model} (${money(m.unread_write_1h_cost)}) were never read back within the hour: the 5-minute TTL writes cheaper`,
      );
    }
    const rates = prices.lookup(m.model)?.standard;
    const prompt = m.input_tokens + m.cache_read_tokens + m.cache_write_5m_tokens + m.cache_write_1h_tokens;
    if (rates !== undefined && rates.cacheRead < rates.input && prompt >= MIN_PROMPT_TOKENS && m.requests >= MIN_REQUESTS && m.cache_read_ratio < LOW_READ_RATIO) {
      const share = m.cache_read_tokens === 0 ? `none of the ${prompt.toLocaleString('en-US')}` : `only ${percentText(m.cache_read_ratio)} of the`;
      hints.push(`${share} prompt tokens sent to ${m.model} came from the cache: repeated system prompts and tool definitions could be marked with cache_control`);
    }
  }
  const unpriced = total.unpriced_requests;
  if (unpriced === 1) hints.push('1 request went to a model without a price: its savings are not counted');
  if (unpriced > 1) hints.push(`${unpriced} requests went to models without a price: their savings are not counted`);
  if (scan.truncated) hints.push(`never-read figures cover only the first ${scan.scanned_rows.toLocaleString('en-US')} cache events of the range`);
  return hints;
}
