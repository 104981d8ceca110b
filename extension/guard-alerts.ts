// Runaway-agent guard UX: when the developer's key is paused, a warning with "Resume" and "Open dashboard".
import * as vscode from 'vscode';
import type { GuardsJson, LiveMessage } from '../proxy/api/wire/index.js';
import { PauseAnnouncements, type GuardPause } from './guard-signal.js';

export interface GuardActions {
  resume(keyId: string): Promise<void>;
  openDashboard(): void;
}

export class GuardAlerts {
  private readonly announcements = new PauseAnnouncements();

  constructor(private readonly actions: GuardActions) {}

  /** A live message from the engine, for the developer's key (any key when none is set). */
  onLive(message: LiveMessage, keyId: string | undefined): void {
    const pause = this.announcements.onLive(message, keyId);
    if (pause) this.show(pause);
  }

  /** The answer of `GET /api/guards` (on connect). */
  onGuards(guards: GuardsJson, keyId: string | undefined): void {
    for (const pause of this.announcements.onGuards(guards, keyId)) this.show(pause);
  }

  private show(pause: GuardPause): void {
    const text = `spendgate: the runaway-agent guard paused key ${pause.keyId} (${pause.reason}). Its requests are refused until you resume it.`;
    void vscode.window.showWarningMessage(text, 'Resume', 'Open dashboard').then(async (choice) => {
      if (choice === 'Open dashboard') return this.actions.openDashboard();
      if (choice !== 'Resume') return;
      try {
        await this.actions.resume(pause.keyId);
        this.announcements.resumed(pause.keyId);
        void vscode.window.showInformationMessage(`spendgate: key ${pause.keyId} resumed.`);
      } catch (err) {
        void vscode.window.showErrorMessage(`spendgate: could not resume key ${pause.keyId}: ${(err as Error).message}`);
      }
    });
  }
}
