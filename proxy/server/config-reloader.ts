// The served config's lifecycle after start: a valid edit swaps in whole (counters kept), an invalid one is reported
// and the previous config keeps serving; either way live clients hear the new status.
import type { Config, ConfigProblem, ConfigStatus, LoadResult } from '../config/types.js';
import { loadConfigFile, loadReplacementConfigFile } from '../config/load.js';
import { KeyRing } from '../governance/keys.js';
import { buildPriceBook, type PriceBook } from '../pricing/catalog.js';
import type { EventLog } from '../api/services.js';
import type { BudgetsPush } from './budgets-push.js';
import type { Engine } from './engine.js';

/** The config a gateway starts with; an invalid one stops the start with every problem at its line. */
export async function loadFirstConfig(path: string, log: EventLog): Promise<{ config: Config; status: ConfigStatus }> {
  const first = await loadConfigFile(path);
  if (!first.ok) {
    const detail = first.problems.map((p) => `${path}:${p.line}:${p.col}: ${p.message}`).join('\n');
    throw new Error(`config is invalid:\n${detail}`);
  }
  for (const w of first.warnings) log({ level: 'warn', event: 'config_warning', line: w.line, col: w.col, message: w.message });
  return { config: first.config, status: { path, loadedAt: Date.now(), ok: true, problems: first.warnings } };
}

export interface ReloaderDeps {
  readonly path: string;
  readonly engine: Engine;
  readonly budgets: BudgetsPush;
  /** Tell live clients the new status (WebSocket `config` message). */
  readonly broadcast: (status: ConfigStatus) => void;
}

export class ConfigReloader {
  private status: ConfigStatus;

  constructor(private readonly deps: ReloaderDeps, first: ConfigStatus) {
    this.status = first;
  }

  current(): ConfigStatus {
    return this.status;
  }

  /** Read the file again and apply it (POST /api/config/reload). */
  async reload(): Promise<ConfigStatus> {
    return this.apply(await loadReplacementConfigFile(this.deps.path));
  }

  /** Apply a load result: a valid config swaps in atomically (counters kept); an invalid one is reported and ignored. */
  async apply(result: LoadResult): Promise<ConfigStatus> {
    const priced = result.ok ? await withPrices(result.config) : { prices: undefined, problems: result.problems };
    if (result.ok && priced.prices) await this.accept(result.config, priced.prices, result.warnings);
    else this.reject(priced.problems);
    this.deps.broadcast(this.status);
    return this.status;
  }

  private async accept(config: Config, prices: PriceBook, warnings: readonly ConfigProblem[]): Promise<void> {
    const { engine, path } = this.deps;
    await engine.adopt({ config, keys: new KeyRing(config, engine.services.env), prices });
    this.status = { path, loadedAt: Date.now(), ok: true, problems: warnings };
    engine.services.log({ level: 'info', event: 'config_reloaded', path });
    this.deps.budgets.publish();
  }

  private reject(problems: readonly ConfigProblem[]): void {
    const { path } = this.deps;
    this.status = { path, loadedAt: this.status.loadedAt, ok: false, problems };
    this.deps.engine.services.log({ level: 'error', event: 'config_rejected', path, problems });
  }
}

/** A valid config's price book, or the reason it cannot be built (an unreadable `pricing_file`) as a problem. */
async function withPrices(config: Config): Promise<{ prices: PriceBook | undefined; problems: readonly ConfigProblem[] }> {
  try {
    return { prices: await buildPriceBook(config.pricing), problems: [] };
  } catch (err) {
    return { prices: undefined, problems: [{ severity: 'error', line: 1, col: 1, message: (err as Error).message }] };
  }
}
