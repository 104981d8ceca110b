// bifrost.yaml problems in the Problems panel: from the engine's reload answers and `config` messages, or from
// `spendgate check` while the engine is down.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ConfigProblemJson, ConfigStatusJson } from '../proxy/api/wire/index.js';

const DEBOUNCE_MS = 250;
const CHECK_LINE = /^(.*):(\d+):(\d+): (warning: )?(.*)$/;

/** Parses `spendgate check` output (`FILE:LINE:COL: [warning: ]message`). */
export function parseCheckOutput(output: string): ConfigProblemJson[] {
  return output.split('\n').flatMap((line) => {
    const m = CHECK_LINE.exec(line.trim());
    return m ? [{ line: Number(m[2]), col: Number(m[3]), severity: m[4] ? ('warning' as const) : ('error' as const), message: m[5] }] : [];
  });
}

/** 1-based line/column from the engine → a 0-based range to the end of the token there. */
function rangeOf(problem: ConfigProblemJson, lines: readonly string[]): vscode.Range {
  const line = Math.max(0, problem.line - 1);
  const col = Math.max(0, problem.col - 1);
  const text = lines[line] ?? '';
  const token = /^[^\s:,]+/.exec(text.slice(col));
  return new vscode.Range(line, col, line, col + Math.max(1, token?.[0].length ?? 1));
}

export interface ConfigSyncHooks {
  /** POST /api/config/reload on the running engine, or undefined when it is not up. */
  reload(): Promise<ConfigStatusJson> | undefined;
  /** Runs `spendgate check --config FILE` and returns its stdout. */
  check(file: string): Promise<string>;
  /** A valid change was applied. */
  onApplied(): void;
}

export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('spendgate');
  private readonly disposables: vscode.Disposable[] = [this.collection];
  private timer: NodeJS.Timeout | undefined;
  private lastOk: boolean | undefined;

  constructor(
    private readonly config: vscode.Uri,
    private readonly hooks: ConfigSyncHooks,
    private readonly output: vscode.OutputChannel,
  ) {
    const folder = vscode.Uri.joinPath(config, '..');
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, config.path.split('/').pop() ?? 'bifrost.yaml'));
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => this.schedule()),
      watcher.onDidCreate(() => this.schedule()),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (doc.uri.toString() === config.toString()) this.schedule();
      }),
    );
  }

  /** Re-validates now (after the debounce) through the engine, or `spendgate check` when it is down. */
  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
  }

  async refresh(): Promise<void> {
    try {
      const reloading = this.hooks.reload();
      if (reloading) return this.show(await reloading);
      const problems = parseCheckOutput(await this.hooks.check(this.config.fsPath));
      this.show({ path: this.config.fsPath, loaded_at: new Date().toISOString(), ok: !problems.some((p) => p.severity === 'error'), problems });
    } catch (err) {
      this.output.appendLine(`[spendgate] could not validate ${this.config.fsPath}: ${(err as Error).message}`);
    }
  }

  /** Shows a config status (a reload answer or a WebSocket `config` message). */
  show(status: ConfigStatusJson): void {
    const uri = status.path ? vscode.Uri.file(status.path) : this.config;
    let lines: string[] = [];
    try {
      lines = readFileSync(uri.fsPath, 'utf8').split(/\r?\n/);
    } catch {
      // the file vanished: ranges fall back to one character
    }
    this.collection.set(
      uri,
      status.problems.map((p) => {
        const d = new vscode.Diagnostic(rangeOf(p, lines), p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        d.source = 'spendgate';
        return d;
      }),
    );
    if (status.ok && this.lastOk !== undefined) this.hooks.onApplied();
    this.lastOk = status.ok;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

/** `spendgate check` through the bundled CLI, with the extension host's runtime. Exit 1 (invalid) is an answer, not a failure. */
export function runCheck(execPath: string, cliPath: string, file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(execPath, [cliPath, 'check', '--config', file], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 20_000 }, (err, stdout) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve(stdout);
    });
  });
}
