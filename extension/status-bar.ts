// The status bar item: budget summary of the developer's key, live from the engine's `budgets` messages.
import * as vscode from 'vscode';
import type { BudgetTierJson } from '../proxy/api/wire/index.js';
import { summarizeBudgets, type KeyIdentity } from './status-summary.js';

const CONFIRM_MS = 4_000;

export class BudgetStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('spendgate.budgets', vscode.StatusBarAlignment.Left, 100);
  private tiers: readonly BudgetTierJson[] | undefined;
  private key: KeyIdentity | undefined;
  private down = true;
  private flash: { text: string; until: number } | undefined;
  private flashTimer: NodeJS.Timeout | undefined;

  constructor() {
    this.item.name = 'spendgate budgets';
    this.item.command = 'spendgate.openDashboard';
    this.render();
    this.item.show();
  }

  /** What the item currently says (the extension's API exposes it for tests and other extensions). */
  get text(): string {
    return this.item.text;
  }

  setTiers(tiers: readonly BudgetTierJson[]): void {
    this.tiers = tiers;
    this.down = false;
    this.render();
  }

  setKey(key: KeyIdentity | undefined): void {
    this.key = key;
    this.render();
  }

  setDown(reason: string): void {
    this.down = true;
    this.item.tooltip = `spendgate is not reachable: ${reason}`;
    this.render();
  }

  /** A brief confirmation (e.g. a valid config reload) shown before the summary returns. */
  confirm(text: string): void {
    this.flash = { text, until: Date.now() + CONFIRM_MS };
    clearTimeout(this.flashTimer);
    this.flashTimer = setTimeout(() => {
      this.flash = undefined;
      this.render();
    }, CONFIRM_MS);
    this.render();
  }

  dispose(): void {
    clearTimeout(this.flashTimer);
    this.item.dispose();
  }

  private render(): void {
    if (this.flash) {
      this.item.text = `$(check) ${this.flash.text}`;
      this.item.backgroundColor = undefined;
      return;
    }
    if (this.down || !this.tiers) {
      this.item.text = '$(debug-disconnect) spendgate down';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      return;
    }
    const summary = summarizeBudgets(this.tiers, this.key);
    this.item.text = summary.level === 'blocked' ? `$(error) ${summary.text}` : summary.text;
    const tooltip = new vscode.MarkdownString(summary.tooltip, true);
    tooltip.isTrusted = false;
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      summary.level === 'error' || summary.level === 'blocked'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : summary.level === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  }
}
