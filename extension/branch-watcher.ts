// Follows the workspace's checked-out branch: watches .git/HEAD and reports the tags whenever the branch changes.
import * as vscode from 'vscode';
import { workspaceTags } from './workspace-tags.js';
import { resolveGitDir } from './git-head.js';
import type { WorkspaceTags } from './spend-tags.js';

export class BranchWatcher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private current: WorkspaceTags;

  constructor(
    private readonly folder: string,
    private readonly onChange: (tags: WorkspaceTags) => void,
  ) {
    this.current = workspaceTags(folder);
    const gitDir = resolveGitDir(folder);
    if (gitDir) {
      // git replaces HEAD by renaming HEAD.lock over it: that is a create as often as a change.
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(gitDir), 'HEAD'));
      this.disposables.push(watcher, watcher.onDidChange(() => this.refresh()), watcher.onDidCreate(() => this.refresh()));
    }
    // A checkout made while the watcher was not delivering (a suspended window) is caught on focus.
    this.disposables.push(vscode.window.onDidChangeWindowState((s) => s.focused && this.refresh()));
  }

  get tags(): WorkspaceTags {
    return this.current;
  }

  refresh(): void {
    const next = workspaceTags(this.folder);
    if (next.branch === this.current.branch && next.repo === this.current.repo) return;
    this.current = next;
    this.onChange(next);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
