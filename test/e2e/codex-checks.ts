// What the Codex end-to-end suites read back: the tool outputs Codex sent, and the gateway's log records.

/** The fields of a /api/logs record the Codex suites check. */
export interface LoggedRequest {
  readonly status: number;
  readonly stream: boolean;
  readonly error_type: string | null;
  readonly provider_config_id: string | null;
  readonly cost: { readonly total: number } | null;
}

export interface FunctionCallOutput {
  readonly call_id: string;
  readonly output: string;
}

/** The `function_call_output` items of a Responses request body's `input` (Codex sends a command's output as one). */
export function functionCallOutputs(body: unknown): FunctionCallOutput[] {
  const input = (body as { input?: unknown } | undefined)?.input;
  if (!Array.isArray(input)) return [];
  return input
    .filter((item): item is { type: string; call_id: unknown; output: unknown } => (item as { type?: unknown }).type === 'function_call_output')
    .map((item) => ({ call_id: String(item.call_id), output: typeof item.output === 'string' ? item.output : JSON.stringify(item.output) }));
}
