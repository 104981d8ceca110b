// `GET /api/insights/cache`: the prompt-cache report as the dashboard reads it — the engine's own
// types (proxy/insights/cache-report.ts), imported as types only, so the two cannot drift apart.
import type { CacheReport, CacheUsage } from '../proxy/insights/cache-report.js';

/** One group's cache figures (a model, a key, or everything). Money in decimal US dollars. */
export type CacheUsageJson = CacheUsage;

export type CacheReportJson = CacheReport;
