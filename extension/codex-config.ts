// The Codex CLI's provider block for this gateway, as `spendgate.copyCodexConfig` copies it (README "Codex CLI").

/**
 * The variable Codex reads the virtual key from: the one the extension already sets to the key in integrated
 * terminals (terminal-env.ts), so Codex started there needs nothing more.
 */
export const CODEX_KEY_ENV = 'OPENAI_API_KEY';

/**
 * `~/.codex/config.toml` lines: a `spendgate` model provider on the Responses API, selected, with a model hint.
 * `baseUrl` is the gateway's OpenAI prefix (terminal-env.ts openaiBaseUrl), under which Codex posts `/responses`.
 */
export function codexConfigBlock(baseUrl: string): string {
  return `# Codex CLI through spendgate: paste into ~/.codex/config.toml (top-level keys before any [table]).
# The virtual key is read from $${CODEX_KEY_ENV}, which spendgate sets in VS Code's integrated terminals.
model_provider = "spendgate"
# "auto" lets spendgate pick among your account's targets; or name a model it serves (GET /openai/v1/models).
model = "auto"
# Codex knows no context window for Claude models; with one, it compacts the conversation before Claude's limit.
# model_context_window = 200000

[model_providers.spendgate]
name = "spendgate"
base_url = ${JSON.stringify(baseUrl)}
env_key = "${CODEX_KEY_ENV}"
wire_api = "responses"
`;
}
