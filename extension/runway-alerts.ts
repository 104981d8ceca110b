// Warns once per tier per period when a tier on the developer's path is projected to run out before it resets.
import * as vscode from 'vscode';
import type { BudgetTierJson } from '../proxy/api/wire/index.js';
import { runwayAlertKey, runwayAlertMessage, runwayAlertsDue } from './runway-rule.js';

const STATE_KEY = 'spendgate.runwayWarned';

interface WarnedEntry {
  readonly key: string;
  /** When the period ends (ISO): the entry is dropped after that. */
  readonly until: string;
}

/** The shell around the pure rule: remembers warnings (across reloads, in global state) and shows them. */
export class RunwayAlerts {
  constructor(
    private readonly state: vscode.Memento,
    private readonly openDashboard: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  private warned(): WarnedEntry[] {
    const now = this.now();
    return (this.state.get<WarnedEntry[]>(STATE_KEY) ?? []).filter((e) => Date.parse(e.until) > now);
  }

  /** Called with the tiers on the developer's path whenever budgets change. */
  check(path: readonly BudgetTierJson[]): void {
    const entries = this.warned();
    const due = runwayAlertsDue(path, new Set(entries.map((e) => e.key)));
    if (due.length === 0) return;
    void this.state.update(STATE_KEY, [...entries, ...due.map((t) => ({ key: runwayAlertKey(t), until: t.resets_at }))]);
    for (const t of due) {
      void vscode.window.showWarningMessage(runwayAlertMessage(t), 'Open dashboard').then((choice) => {
        if (choice === 'Open dashboard') this.openDashboard();
      });
    }
  }
}
