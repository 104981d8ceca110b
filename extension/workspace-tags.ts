// The attribution tags of a workspace folder as they are now: branch from .git/HEAD, folder name, repository.
import { basename } from 'node:path';
import { readBranch, repositoryName, resolveGitDir } from './git-head.js';
import type { WorkspaceTags } from './spend-tags.js';

/** Branch undefined outside a repository. */
export function workspaceTags(folder: string): WorkspaceTags {
  const gitDir = resolveGitDir(folder);
  return { branch: gitDir ? readBranch(gitDir) : undefined, workspace: basename(folder), repo: repositoryName(folder, gitDir) };
}
