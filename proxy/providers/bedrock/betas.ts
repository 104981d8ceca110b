// `anthropic-beta` headers → the Bedrock body's `anthropic_beta` list: the betas Bedrock accepts pass, others are dropped.

/** Betas Bedrock's Claude models accept in `anthropic_beta` (exact names, or prefixes ending in `-`). */
const SUPPORTED: readonly string[] = [
  'computer-use-',
  'token-efficient-tools-2025-02-19',
  'interleaved-thinking-2025-05-14',
  'output-128k-2025-02-19',
  'context-1m-2025-08-07',
  'fine-grained-tool-streaming-2025-05-14',
  'context-management-2025-06-27',
  'dev-full-thinking-2025-05-14',
  'tool-search-tool-2025-10-19',
  'effort-2025-11-24',
  'tool-examples-2025-10-29',
];

export function bedrockSupportsBeta(beta: string): boolean {
  return SUPPORTED.some((entry) => (entry.endsWith('-') ? beta.startsWith(entry) : beta === entry));
}

export interface BetaSplit {
  readonly kept: readonly string[];
  readonly dropped: readonly string[];
}

/** Splits the header's comma-separated betas (plus any already in the body) into kept and dropped, de-duplicated. */
export function splitBetas(header: string | undefined, inBody: unknown): BetaSplit {
  const all = [
    ...(header ?? '').split(','),
    ...(Array.isArray(inBody) ? inBody.filter((b): b is string => typeof b === 'string') : []),
  ].map((b) => b.trim()).filter((b) => b.length > 0);
  const unique = [...new Set(all)];
  return { kept: unique.filter(bedrockSupportsBeta), dropped: unique.filter((b) => !bedrockSupportsBeta(b)) };
}

/** The Anthropic body as Bedrock InvokeModel takes it: no `model`/`stream`, a Bedrock `anthropic_version`, betas in the body. */
export function bedrockClaudeBody(body: Readonly<Record<string, unknown>>, betas: readonly string[]): Record<string, unknown> {
  const { model: _model, stream: _stream, anthropic_beta: _beta, ...rest } = body;
  const out: Record<string, unknown> = { anthropic_version: 'bedrock-2023-05-31', ...rest };
  if (typeof out.anthropic_version !== 'string' || !out.anthropic_version.startsWith('bedrock-')) out.anthropic_version = 'bedrock-2023-05-31';
  if (betas.length > 0) out.anthropic_beta = [...betas];
  return out;
}
