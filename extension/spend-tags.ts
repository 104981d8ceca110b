// Attribution tags for this workspace's requests (branch, workspace, repo), as the `x-spendgate-tags` header.

export interface WorkspaceTags {
  /** Undefined outside a git repository. */
  readonly branch: string | undefined;
  readonly workspace: string;
  readonly repo: string;
}

/** The header the engine reads tags from (proxy/api/tags.ts). */
export const TAGS_HEADER = 'x-spendgate-tags';

/** A tag value the header format can carry: no commas (they separate tags), no control characters. */
function tagValue(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]/g, '').replace(/,/g, '_').trim().slice(0, 256);
}

/** `branch=feature/x,workspace=app,repo=github.com/acme/app`. */
export function tagHeaderValue(tags: WorkspaceTags): string {
  const pairs: [string, string | undefined][] = [
    ['branch', tags.branch],
    ['workspace', tags.workspace],
    ['repo', tags.repo],
  ];
  return pairs
    .flatMap(([key, value]) => {
      const clean = value === undefined ? '' : tagValue(value);
      return clean ? [`${key}=${clean}`] : [];
    })
    .join(',');
}

/**
 * Variables that make clients send the tags: Claude Code adds every `Name: value` line of
 * ANTHROPIC_CUSTOM_HEADERS to its requests.
 */
export function tagEnvironment(tags: WorkspaceTags | undefined): Record<string, string> {
  const value = tags ? tagHeaderValue(tags) : '';
  return value ? { ANTHROPIC_CUSTOM_HEADERS: `${TAGS_HEADER}: ${value}` } : {};
}
