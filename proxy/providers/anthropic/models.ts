// `GET /v1/models` in the Anthropic shape, answered from the models the gateway's targets serve.

export interface AnthropicModelInfo {
  readonly type: 'model';
  readonly id: string;
  readonly display_name: string;
  /** The gateway does not know when a model was released; the epoch marks "unknown". */
  readonly created_at: string;
}

export interface AnthropicModelPage {
  readonly data: readonly AnthropicModelInfo[];
  readonly has_more: false;
  readonly first_id: string | null;
  readonly last_id: string | null;
}

export function anthropicModelList(models: readonly string[]): AnthropicModelPage {
  const ids = [...new Set(models)];
  return {
    data: ids.map((id) => ({ type: 'model', id, display_name: id, created_at: new Date(0).toISOString() })),
    has_more: false,
    first_id: ids[0] ?? null,
    last_id: ids[ids.length - 1] ?? null,
  };
}
