// Points integrated terminals at the gateway: base URLs for Anthropic and OpenAI clients, and the virtual key.
import type * as vscode from 'vscode';

export const VIRTUAL_KEY_SECRET = 'spendgate.virtualKey';

/** The variables a client needs, as `NAME=value` pairs (shared by the terminal wiring and the copy command). */
export function clientEnvironment(port: number, virtualKey: string | undefined): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}/anthropic`,
    OPENAI_BASE_URL: `http://127.0.0.1:${port}/openai/v1`,
    ...(virtualKey ? { ANTHROPIC_API_KEY: virtualKey, OPENAI_API_KEY: virtualKey } : {}),
  };
}

/** POSIX shell `export` lines, single-quoted. */
export function exportLines(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}='${value.replace(/'/g, `'\\''`)}'`)
    .join('\n');
}

export function applyTerminalEnvironment(collection: vscode.GlobalEnvironmentVariableCollection, port: number, virtualKey: string | undefined): void {
  // Not persisted: the key must not sit in workspace storage; activation re-applies it from secret storage.
  collection.persistent = false;
  collection.clear();
  collection.description = 'spendgate: route AI clients through the local gateway';
  for (const [name, value] of Object.entries(clientEnvironment(port, virtualKey))) collection.replace(name, value);
}
