// Points integrated terminals at the gateway: base URLs for Anthropic and OpenAI clients, the virtual key,
// and the workspace's attribution tags.
import type * as vscode from 'vscode';
import { tagEnvironment, type WorkspaceTags } from './spend-tags.js';

export const VIRTUAL_KEY_SECRET = 'spendgate.virtualKey';

/** Where OpenAI clients (Chat Completions and the Responses API, Codex included) reach the gateway. */
export function openaiBaseUrl(port: number): string {
  return `http://127.0.0.1:${port}/openai/v1`;
}

/** The variables a client needs, as `NAME=value` pairs (shared by the terminal wiring and the copy command). */
export function clientEnvironment(port: number, virtualKey: string | undefined, tags?: WorkspaceTags): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}/anthropic`,
    OPENAI_BASE_URL: openaiBaseUrl(port),
    ...(virtualKey ? { ANTHROPIC_API_KEY: virtualKey, OPENAI_API_KEY: virtualKey } : {}),
    ...tagEnvironment(tags),
  };
}

/** POSIX shell `export` lines, single-quoted. */
export function exportLines(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}='${value.replace(/'/g, `'\\''`)}'`)
    .join('\n');
}

/** The terminal environment collection, rewritten whole whenever the port, the key or the tags change. */
export class TerminalEnvironment {
  private port: number;
  private key: string | undefined;
  private tags: WorkspaceTags | undefined;
  /**
   * False until a gateway on `port` has proven it is this user's spendgate: until then terminals get nothing, so the
   * virtual key never goes to whatever program happens to hold the configured port.
   */
  private proven = false;

  constructor(
    private readonly collection: vscode.GlobalEnvironmentVariableCollection,
    port: number,
  ) {
    this.port = port;
  }

  /** What terminals currently get (also what the copy command copies). */
  values(): Record<string, string> {
    return clientEnvironment(this.port, this.key, this.tags);
  }

  currentTags(): WorkspaceTags | undefined {
    return this.tags;
  }

  /** The port of a gateway that proved its identity (GatewaySession's onConnected): terminals are pointed at it. */
  setPort(port: number): void {
    this.port = port;
    this.proven = true;
    this.apply();
  }

  setKey(key: string | undefined): void {
    this.key = key;
    this.apply();
  }

  setTags(tags: WorkspaceTags | undefined): void {
    this.tags = tags;
    this.apply();
  }

  private apply(): void {
    // Not persisted: the key must not sit in workspace storage; activation re-applies it from secret storage.
    this.collection.persistent = false;
    this.collection.clear();
    if (!this.proven) return;
    this.collection.description = 'spendgate: route AI clients through the local gateway, tagged with this branch';
    for (const [name, value] of Object.entries(this.values())) this.collection.replace(name, value);
  }
}
