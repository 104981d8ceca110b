// `GET /v1/models` in the OpenAI shape, answered from the models the gateway's targets serve.

export interface OpenAIModelInfo {
  readonly id: string;
  readonly object: 'model';
  /** Unix seconds; the gateway does not know a model's creation time, so 0. */
  readonly created: number;
  readonly owned_by: string;
}

export interface OpenAIModelPage {
  readonly object: 'list';
  readonly data: readonly OpenAIModelInfo[];
}

export function openaiModelList(models: readonly string[], ownedBy = 'spendgate'): OpenAIModelPage {
  return {
    object: 'list',
    data: [...new Set(models)].map((id) => ({ id, object: 'model', created: 0, owned_by: ownedBy })),
  };
}
