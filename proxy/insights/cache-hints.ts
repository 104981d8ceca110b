// Plain-language advice drawn from a prompt-cache report: what caching saved and where it is wasted.
import type { PriceBook } from '../pricing/price-book.js';
import type { CacheUsage, NeverReadScan } from './cache-report.js';
import { percentText, usd } from './wording.js';

/** Write money below this is too little to advise on (micro-dollars). */
const MIN_WRITE_COST_MICROS = 10_000;
/** Advise on never-read writes from this share of the write cost whose outcome is known. */
const UNREAD_RATIO_HINT = 0.5;
/** Advise on a model's low cache use only past this many prompt tokens and requests. */
const MIN_PROMPT_TOKENS = 100_000;
const MIN_REQUESTS = 10;
const LOW_READ_RATIO = 0.1;

export function cacheHints(
  total: CacheUsage,
  byModel: readonly (CacheUsage & { readonly model: string })[],
  prices: PriceBook,
  scan: Pick<NeverReadScan, 'truncated' | 'scannedRows'>,
): string[] {
  const hints: string[] = [];
  if (total.savedMicros > 0) {
    const net = total.writePremiumMicros > 0 ? `; ${usd(total.netSavingMicros)} net of the ${usd(total.writePremiumMicros)} cache-write premium` : '';
    hints.push(`cache reads saved ${usd(total.savedMicros)} in this range${net}`);
  }
  for (const m of byModel) {
    if (m.unreadWrite5mRatio !== null && m.unreadWrite5mRatio >= UNREAD_RATIO_HINT && m.unreadWrite5mCostMicros >= MIN_WRITE_COST_MICROS) {
      hints.push(
        `${percentText(m.unreadWrite5mRatio)} of cache writes on ${m.model} (${usd(m.unreadWrite5mCostMicros)}) were never read back within 5 minutes: consider dropping cache_control on short sessions`,
      );
    }
    if (m.unreadWrite1hRatio !== null && m.unreadWrite1hRatio >= UNREAD_RATIO_HINT && m.unreadWrite1hCostMicros >= MIN_WRITE_COST_MICROS) {
      hints.push(
        `${percentText(m.unreadWrite1hRatio)} of 1-hour cache writes on ${m.model} (${usd(m.unreadWrite1hCostMicros)}) were never read back within the hour: the 5-minute TTL writes cheaper`,
      );
    }
    const rates = prices.lookup(m.model)?.standard;
    const prompt = m.inputTokens + m.cacheReadTokens + m.cacheWrite5mTokens + m.cacheWrite1hTokens;
    if (rates !== undefined && rates.cacheRead < rates.input && prompt >= MIN_PROMPT_TOKENS && m.requests >= MIN_REQUESTS && m.cacheReadRatio < LOW_READ_RATIO) {
      const share = m.cacheReadTokens === 0 ? `none of the ${prompt.toLocaleString('en-US')}` : `only ${percentText(m.cacheReadRatio)} of the`;
      hints.push(`${share} prompt tokens sent to ${m.model} came from the cache: repeated system prompts and tool definitions could be marked with cache_control`);
    }
  }
  const unpriced = total.unpricedRequests;
  if (unpriced === 1) hints.push('1 request went to a model without a price: its savings are not counted');
  if (unpriced > 1) hints.push(`${unpriced} requests went to models without a price: their savings are not counted`);
  if (scan.truncated) hints.push(`never-read figures cover only the first ${scan.scannedRows.toLocaleString('en-US')} cache events of the range`);
  return hints;
}
