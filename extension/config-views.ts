// The views of the served bifrost.yaml itself: its problems in the Problems panel, and what an unsaved edit would do.
import * as vscode from 'vscode';
import type { ConfigStatusJson } from '../proxy/api/wire/index.js';
import { ConfigDiagnostics, runCheck } from './config-diagnostics.js';
import { PolicyPreviewLens, type PlacedChange } from './policy-lens.js';
import { PolicyPreviewer } from './policy-preview.js';

export interface ConfigViewHooks {
  readonly cliPath: string;
  readonly dataDir: string;
  readonly output: vscode.OutputChannel;
  /** The port of the gateway serving the file (for the preview's current spend). */
  port(): number;
  /** POST /api/config/reload on the running engine, or undefined when it is not up. */
  reload(): Promise<ConfigStatusJson> | undefined;
  /** A valid edit was applied. */
  onApplied(): void;
}

export class ConfigViews implements vscode.Disposable {
  private readonly diagnostics: ConfigDiagnostics;
  private readonly lens: PolicyPreviewLens;
  private readonly previewer: PolicyPreviewer;

  constructor(config: vscode.Uri, hooks: ConfigViewHooks) {
    const { cliPath, dataDir, output } = hooks;
    this.diagnostics = new ConfigDiagnostics(config, { reload: hooks.reload, check: (file) => runCheck(process.execPath, cliPath, file), onApplied: hooks.onApplied }, output);
    this.previewer = new PolicyPreviewer({ execPath: process.execPath, cliPath, dataDir, port: hooks.port });
    this.lens = new PolicyPreviewLens(config, (text) => this.previewer.preview(config.fsPath, text), output);
  }

  /** The engine's verdict on the file (on connect, and from each live `config` message). */
  showStatus(status: ConfigStatusJson): void {
    this.diagnostics.show(status);
  }

  /** Recompute the edit preview (the gateway's spend just became known). */
  refreshPreview(): void {
    this.lens.refresh();
  }

  policyPreview(): readonly PlacedChange[] {
    return this.lens.current();
  }

  dispose(): void {
    this.diagnostics.dispose();
    this.lens.dispose();
    void this.previewer.dispose();
  }
}
