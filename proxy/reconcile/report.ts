// One reconciliation report: which Bedrock model ids the config serves where, the log's sums, CloudWatch's sums, compared.
import type { Config, ProviderConfig } from '../config/types.js';
import { resolveSecret } from '../config/secrets.js';
import type { LogSource } from '../logs/query.js';
import { PriceBook } from '../pricing/catalog.js';
import { callSettings } from '../providers/bedrock/credentials.js';
import { readBedrockMeters, type BedrockMeters, type MeterSource } from './cloudwatch.js';
import { compare, pricingChecks, type PricingCheck, type ReconcileRow, type ServedModel } from './compare.js';
import { loggedDays } from './ledger.js';
import { parseReconcileRequest, type ReconcileRequest } from './request.js';

export interface ReconcileReport {
  readonly request: ReconcileRequest;
  readonly rows: readonly ReconcileRow[];
  readonly pricing: readonly PricingCheck[];
}

export interface ReconcileInputs {
  readonly store: LogSource;
  readonly config: Config;
  readonly prices: PriceBook;
  readonly env: NodeJS.ProcessEnv;
}

function bedrockConfigs(config: Config): ProviderConfig[] {
  return config.accounts.flatMap((a) => a.providers).filter((p) => p.type === 'bedrock');
}

function regionOf(p: ProviderConfig, env: NodeJS.ProcessEnv): string | undefined {
  const region = p.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return region === '' ? undefined : region;
}

/** Every Bedrock provider config with a region, and the ids it calls Bedrock with. */
export function servedModels(config: Config, env: NodeJS.ProcessEnv): ServedModel[] {
  return bedrockConfigs(config).flatMap((p) => {
    const region = regionOf(p, env);
    if (region === undefined) return [];
    const profiles = p.applicationInferenceProfiles;
    const arns = profiles === undefined ? [] : [...Object.values(profiles.team), ...Object.values(profiles.virtualKey)];
    return [{ providerConfigId: p.id, region, model: p.model, modelIds: [...new Set([p.model, ...arns])] }];
  });
}

/** The regions `GET /api/reconcile` accepts. */
export function servedRegions(config: Config, env: NodeJS.ProcessEnv): string[] {
  return [...new Set(servedModels(config, env).map((s) => s.region))].sort();
}

/**
 * One CloudWatch reader per region and credential set (the provider configs' own, as the Bedrock provider uses them),
 * asked for every id the config calls and every id the log shows was called (a learned inference profile included).
 */
function meterSources(config: Config, env: NodeJS.ProcessEnv, served: readonly ServedModel[], regions: readonly string[], loggedIds: ReadonlyMap<string, ReadonlySet<string>>): MeterSource[] {
  const byClient = new Map<string, { settings: MeterSource['settings']; modelIds: Set<string> }>();
  for (const p of bedrockConfigs(config)) {
    const s = served.find((x) => x.providerConfigId === p.id);
    if (s === undefined || !regions.includes(s.region)) continue;
    const resolvedApiKey = p.apiKey === undefined ? undefined : resolveSecret(p.apiKey, env);
    const settings = callSettings({ ...p, region: s.region, ...(resolvedApiKey === undefined ? {} : { resolvedApiKey }) }, env);
    let source = byClient.get(settings.clientKey);
    if (source === undefined) byClient.set(settings.clientKey, (source = { settings, modelIds: new Set() }));
    for (const id of [...s.modelIds, ...(loggedIds.get(p.id) ?? [])]) source.modelIds.add(id);
  }
  return [...byClient.values()].map((s) => ({ settings: s.settings, modelIds: [...s.modelIds].sort() }));
}

/** Parses the query, reads both sides and compares them. @throws LogFilterError for a bad query (400). */
export async function reconcileReport(params: URLSearchParams, inputs: ReconcileInputs): Promise<ReconcileReport> {
  const { config, env, prices } = inputs;
  const request = parseReconcileRequest(params, servedRegions(config, env));
  const served = servedModels(config, env);
  const logged = await loggedDays(inputs.store, request.from, request.toExclusive);
  const loggedIds = new Map<string, Set<string>>();
  for (const l of logged) {
    let ids = loggedIds.get(l.providerConfigId);
    if (ids === undefined) loggedIds.set(l.providerConfigId, (ids = new Set()));
    ids.add(l.modelId);
  }
  const sources = meterSources(config, env, served, request.regions, loggedIds);
  const meters: BedrockMeters = await readBedrockMeters(sources, request.from, request.toExclusive, env.AWS_ENDPOINT_URL_CLOUDWATCH);
  const rows = compare(logged, meters, served, request.regions, prices);
  const pricing = pricingChecks(rows.map((r) => r.pricedModel), prices, new PriceBook());
  return { request, rows, pricing };
}
