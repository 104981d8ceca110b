// What the developer sees of the budgets: the status bar for their key, runway warnings, runaway-guard alerts.
import * as vscode from 'vscode';
import type { BudgetTierJson, LiveMessage } from '../proxy/api/wire/index.js';
import type { ConnectionState } from '../webview/protocol.js';
import type { EngineClient } from './engine-client.js';
import type { GuardAlerts } from './guard-alerts.js';
import type { RunwayAlerts } from './runway-alerts.js';
import { BudgetStatusBar } from './status-bar.js';
import { tiersOnPath, type KeyIdentity } from './status-summary.js';

export class BudgetView implements vscode.Disposable {
  readonly statusBar = new BudgetStatusBar();
  private key: KeyIdentity | undefined;
  private lastTiers: readonly BudgetTierJson[] | undefined;

  constructor(
    private readonly runway: RunwayAlerts,
    private readonly guards: GuardAlerts,
  ) {}

  /** Which key the gateway says the developer's secret belongs to (status bar, warnings); unset without a secret. */
  async identify(client: EngineClient, secret: string | undefined): Promise<void> {
    this.key = secret ? await client.identifyKey(secret) : undefined;
    if (secret && !this.key) void vscode.window.showWarningMessage('spendgate: the virtual key you set is not known to this gateway.');
    this.statusBar.setKey(this.key);
  }

  /** On (re)connect: the key, every tier and any guard pause, read once; live messages keep them current after. */
  async load(client: EngineClient, secret: string | undefined): Promise<void> {
    await this.identify(client, secret);
    this.showTiers((await client.get('/api/budgets')).tiers);
    this.guards.onGuards(await client.get('/api/guards'), this.key?.id);
  }

  onLive(message: LiveMessage): void {
    if (message.type === 'budgets') this.showTiers(message.payload.tiers);
    this.guards.onLive(message, this.key?.id);
  }

  onFeedState(state: ConnectionState): void {
    if (state === 'down') this.statusBar.setDown('the connection to the gateway was lost');
    else if (state === 'up' && this.lastTiers) this.statusBar.setTiers(this.lastTiers);
  }

  dispose(): void {
    this.statusBar.dispose();
  }

  private showTiers(tiers: readonly BudgetTierJson[]): void {
    this.lastTiers = tiers;
    this.statusBar.setTiers(tiers);
    this.runway.check(tiersOnPath(tiers, this.key));
  }
}
