// CodeLenses and hovers on bifrost.yaml: what the edit in the editor (saved or not) would do, line by line.
import * as vscode from 'vscode';
import { placeChanges, type PlacedChange, type PolicyChangeJson } from './policy-locate.js';

export type { PlacedChange } from './policy-locate.js';
import type { PreviewOutcome } from './policy-preview.js';

const DEBOUNCE_MS = 400;
const ICON: Record<PolicyChangeJson['severity'], string> = { blocking: '$(error)', warning: '$(warning)', info: '$(info)' };

export class PolicyPreviewLens implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private placed: PlacedChange[] = [];
  private shownVersion: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private withoutSpend = false;

  constructor(
    private readonly config: vscode.Uri,
    private readonly preview: (text: string) => Promise<PreviewOutcome>,
    private readonly output: vscode.OutputChannel,
  ) {
    const selector: vscode.DocumentSelector = { pattern: new vscode.RelativePattern(vscode.Uri.joinPath(config, '..'), config.path.split('/').pop() ?? 'bifrost.yaml') };
    this.disposables.push(
      vscode.languages.registerCodeLensProvider(selector, this),
      vscode.languages.registerHoverProvider(selector, this),
      vscode.workspace.onDidChangeTextDocument((e) => this.isConfig(e.document) && this.schedule(e.document)),
      vscode.workspace.onDidOpenTextDocument((doc) => this.isConfig(doc) && this.schedule(doc)),
      vscode.workspace.onDidSaveTextDocument((doc) => this.isConfig(doc) && this.schedule(doc)),
    );
    const open = vscode.workspace.textDocuments.find((d) => this.isConfig(d));
    if (open) this.schedule(open);
  }

  /** The changes currently shown (the extension's API exposes them for tests). */
  current(): readonly PlacedChange[] {
    return this.placed;
  }

  /** Re-runs the preview for the open document, e.g. after spend changed. */
  refresh(): void {
    const open = vscode.workspace.textDocuments.find((d) => this.isConfig(d));
    if (open) this.schedule(open);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.isConfig(document) || document.version !== this.shownVersion) return [];
    return this.placed.map((p) => {
      const range = new vscode.Range(p.line, 0, p.line, 0);
      const suffix = this.withoutSpend ? ' (gateway not running: spend unknown)' : '';
      return new vscode.CodeLens(range, { title: `${ICON[p.change.severity]} spendgate: ${p.text}${suffix}`, command: '', tooltip: p.change.consequence });
    });
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.isConfig(document) || document.version !== this.shownVersion) return undefined;
    const here = this.placed.filter((p) => p.line === position.line);
    if (here.length === 0) return undefined;
    const md = new vscode.MarkdownString(['**spendgate: if this edit is applied**', '', ...here.map((p) => `- ${p.change.severity === 'blocking' ? '**blocking** — ' : ''}${escape(p.text)}`)].join('\n'));
    md.isTrusted = false;
    return new vscode.Hover(md, document.lineAt(position.line).range);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }

  private isConfig(document: vscode.TextDocument): boolean {
    return document.uri.fsPath === this.config.fsPath;
  }

  private schedule(document: vscode.TextDocument): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(document), DEBOUNCE_MS);
  }

  private async run(document: vscode.TextDocument): Promise<void> {
    const version = document.version;
    const text = document.getText();
    let outcome: PreviewOutcome;
    try {
      outcome = await this.preview(text);
    } catch (err) {
      this.output.appendLine(`[spendgate] policy preview failed: ${(err as Error).message}`);
      return;
    }
    // A newer edit is already scheduled or running: its answer will replace this one.
    if (document.version !== version) return;
    if (outcome.kind === 'invalid') return; // the Problems panel shows why; keep the last valid preview off
    this.placed = outcome.kind === 'preview' ? placeChanges(text, outcome.preview.changes) : [];
    this.withoutSpend = outcome.kind === 'preview' && !outcome.preview.current_spend;
    this.shownVersion = version;
    this.changed.fire();
  }
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|]/g, '\\$&');
}
